package io.tcplens.capture;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Opens capture files: sniffs the magic number and picks the reader. */
public final class CaptureFiles {

    /** Which implementation reads the file. */
    public enum Reader {
        /** the pure-Java readers of this package */
        BUILTIN,
        /** libpcap through pcap4j */
        LIBPCAP
    }

    private CaptureFiles() {
    }

    /** Opens {@code path} with the built-in reader matching its magic (pcap or pcapng). */
    public static PacketSource open(Path path) throws CaptureException {
        return open(path, Reader.BUILTIN);
    }

    /** Opens {@code path} with the chosen reader; the magic is checked first either way. */
    public static PacketSource open(Path path, Reader reader) throws CaptureException {
        Format format = sniff(path);
        if (reader == Reader.LIBPCAP) {
            return LibpcapFileReader.open(path);
        }
        return format == Format.PCAPNG ? PcapngFileReader.open(path) : PcapFileReader.open(path);
    }

    /** The capture file formats tcplens reads. */
    public enum Format {
        PCAP, PCAPNG
    }

    /**
     * Tells the format of {@code path} from its first 4 bytes.
     *
     * @throws CaptureException FILE_NOT_FOUND, IO_ERROR or NOT_A_CAPTURE with a message for a person
     */
    public static Format sniff(Path path) throws CaptureException {
        byte[] head = new byte[4];
        int n;
        try (FileChannel ch = openChannel(path)) {
            ByteBuffer bb = ByteBuffer.wrap(head);
            while (bb.hasRemaining() && ch.read(bb) >= 0) {
                // bounded by the 4-byte buffer
            }
            n = bb.position();
        } catch (IOException e) {
            throw ioError(path, e);
        }
        if (n == 0) {
            throw new CaptureException(CaptureException.Reason.NOT_A_CAPTURE,
                    path + " is empty (0 bytes), not a pcap or pcapng capture");
        }
        if (n < 4) {
            throw new CaptureException(CaptureException.Reason.NOT_A_CAPTURE, path + " is only " + n
                    + " bytes long, too short for a pcap or pcapng capture");
        }
        int be = Bytes.i32(head, 0, true);
        switch (be) {
            case 0xA1B2C3D4, 0xD4C3B2A1, 0xA1B23C4D, 0x4D3CB2A1:
                return Format.PCAP;
            case 0x0A0D0D0A:
                return Format.PCAPNG;
            default:
                throw new CaptureException(CaptureException.Reason.NOT_A_CAPTURE, notACaptureMessage(path, head, 0));
        }
    }

    static String notACaptureMessage(Path path, byte[] b, int off) {
        int be = Bytes.i32(b, off, true);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            int c = b[off + i] & 0xFF;
            text.append(c >= 0x20 && c < 0x7F && c != '"' && c != '\\' ? (char) c : '.');
        }
        String hint;
        if ((be >>> 16) == 0x1F8B) {
            hint = "; it looks gzip-compressed: gunzip it first";
        } else if (be == 0xA1B2CD34 || be == 0x34CDB2A1) {
            hint = "; it is the modified (Kuznetzov) pcap format: convert it with editcap -F pcap";
        } else {
            hint = "";
        }
        return path + " is not a pcap or pcapng capture (magic " + String.format("0x%08x", be)
                + " \"" + text + "\"); tcplens reads pcap (a1b2c3d4, a1b23c4d) and pcapng (0a0d0d0a)" + hint;
    }

    static FileChannel openChannel(Path path) throws CaptureException {
        if (Files.isDirectory(path)) {
            throw new CaptureException(CaptureException.Reason.IO_ERROR,
                    path + " is a directory, not a capture file");
        }
        try {
            return FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new CaptureException(CaptureException.Reason.FILE_NOT_FOUND, "no such file: " + path, e);
        } catch (AccessDeniedException e) {
            throw new CaptureException(CaptureException.Reason.IO_ERROR,
                    "cannot read " + path + ": permission denied", e);
        } catch (IOException e) {
            throw ioError(path, e);
        }
    }

    static CaptureException ioError(Path path, IOException e) {
        return new CaptureException(CaptureException.Reason.IO_ERROR, "cannot read " + path + ": " + e.getMessage(), e);
    }
}
