package io.tcplens.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fast pcap path ({@link PcapFileReader} with a {@link HeaderFrameHandler}: a direct buffer,
 * only each frame's first bytes copied out) must deliver the frames, in the same order with the same
 * bytes, and end with the same {@link ReadResult}, as the reader's plain loop: on every pcap of the
 * samples and the public corpus, on each cut short at many offsets, with a corrupt record length,
 * and with a record larger than the direct buffer. Whole frames are compared whole; header-only
 * frames by the bytes they carry.
 */
class HeaderReadTest {

    @TempDir
    Path tmp;

    static List<Path> pcaps() throws Exception {
        List<Path> files = new ArrayList<>(Corpus.captures(Path.of(System.getProperty("tcplens.samples",
                "../sample-pcaps"))));
        Path corpus = Corpus.dir();
        if (corpus != null) {
            files.addAll(Corpus.captures(corpus));
        }
        files.removeIf(p -> {
            try {
                return CaptureFiles.sniff(p) != CaptureFiles.Format.PCAP;
            } catch (CaptureException e) {
                return true;
            }
        });
        return files;
    }

    @TestFactory
    Stream<DynamicTest> sameFramesAndResultAsThePlainLoop() throws Exception {
        return pcaps().stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
            byte[] bytes = Files.readAllBytes(p);
            assertSameOn(bytes, p.getFileName().toString());
            // cut short: inside the first record header, inside a frame, and at 16 spread offsets
            for (int i = 1; i <= 16; i++) {
                int cut = (int) ((long) bytes.length * i / 17);
                assertSameOn(Arrays.copyOf(bytes, cut), p.getFileName() + " cut at " + cut);
            }
            assertSameOn(Arrays.copyOf(bytes, Math.min(bytes.length, 24 + 7)), p.getFileName() + " cut in a record header");
        }));
    }

    @Test
    void corruptLengthIsReportedTheSameWay() throws Exception {
        byte[] bytes = Files.readAllBytes(Path.of(System.getProperty("tcplens.samples", "../sample-pcaps"), "mixed.pcap"));
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int second = 24 + 16 + b.getInt(24 + 8);
        b.putInt(second + 8, 0x7FFF_0000);   // the second record claims ~2 GB
        String result = assertSameOn(bytes, "corrupt second record");
        assertTrue(result.contains("corrupt record 2"), result);
    }

    @Test
    void recordLargerThanTheDirectBuffer() throws Exception {
        int big = PcapFileReader.DIRECT_BUFFER + 12_345;
        ByteBuffer b = ByteBuffer.allocate(24 + 3 * 16 + big + 60 + 60).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0xA1B2C3D4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(4 << 20).putInt(1);
        for (int len : new int[] {60, big, 60}) {
            b.putInt(1).putInt(2).putInt(len).putInt(len);
            for (int i = 0; i < len; i++) {
                b.put((byte) (i * 31 + len));
            }
        }
        byte[] bytes = b.array();
        String result = assertSameOn(bytes, "a 1 MiB + 12 kB record");
        assertTrue(result.endsWith("ReadResult[frames=3, bytes=" + bytes.length + ", warning=null, notes=[]]"), result);
        assertSameOn(Arrays.copyOf(bytes, bytes.length - 70), "the large record, then one cut short");
        assertSameOn(Arrays.copyOf(bytes, 24 + 16 + 60 + 16 + 1000), "the large record cut short");
    }

    /** reads {@code bytes} (written to a file) both ways with several header lengths; returns the plain description */
    private String assertSameOn(byte[] bytes, String what) throws Exception {
        Path f = tmp.resolve("c.pcap");
        Files.write(f, bytes);
        List<byte[]> frames = new ArrayList<>();
        String plain = read(f, 0, frames);
        for (int header : new int[] {1, 54, 128, 4096}) {
            assertEquals(expected(plain, frames, header), read(f, header, null), what + ", header length " + header);
        }
        return plain;
    }

    /** what the header path must deliver, given the plain path's frames (see {@link #read}) */
    static String expected(String plain, List<byte[]> frames, int header) {
        if (plain.startsWith("error")) {
            return plain;
        }
        String[] lines = plain.split("\n", -1);
        StringBuilder out = new StringBuilder();
        long asked = 0;
        for (int i = 0; i < frames.size(); i++) {
            byte[] f = frames.get(i);
            String facts = lines[i].substring(0, lines[i].lastIndexOf(' '));
            boolean whole = f.length <= header || ++asked % 3 == 0;
            out.append(facts).append(whole ? " whole " : " head ")
                    .append(sha(whole ? f : Arrays.copyOf(f, header))).append('\n');
        }
        return out + lines[lines.length - 1];
    }

    /**
     * One line per frame (time, link type, lengths, how delivered, SHA-256 of the bytes delivered),
     * then the result. {@code header} 0: a plain handler (lines say "whole"), and the frames are
     * added to {@code keep}; else a header handler that asks for every third header-only frame whole.
     */
    static String read(Path f, int header, List<byte[]> keep) throws Exception {
        StringBuilder out = new StringBuilder();
        ReadResult r;
        try (PacketSource src = CaptureFiles.open(f)) {
            FrameHandler whole = (ts, lt, ifId, data, off, caplen, origlen) -> {
                byte[] b = Arrays.copyOfRange(data, off, off + caplen);
                if (keep != null) {
                    keep.add(b);
                }
                out.append(ts).append(' ').append(lt).append(' ').append(caplen).append(' ').append(origlen)
                        .append(header == 0 ? " " : " whole ").append(sha(b)).append('\n');
            };
            long[] asked = {0};
            r = src.readAll(header == 0 ? whole : HeaderFrameHandler.of(header,
                    (ts, lt, ifId, data, off, present, caplen, origlen) -> {
                        assertTrue(present == header && present < caplen, "present " + present + " of " + caplen);
                        if (++asked[0] % 3 == 0) {
                            return false;   // this one whole, please
                        }
                        out.append(ts).append(' ').append(lt).append(' ').append(caplen).append(' ').append(origlen)
                                .append(" head ").append(sha(Arrays.copyOfRange(data, off, off + present))).append('\n');
                        return true;
                    }, whole));
        } catch (CaptureException e) {
            return "error " + e.reason() + " " + e.getMessage();
        }
        return out + r.toString();
    }

    static String sha(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b)).substring(0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
