package io.tcplens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tcplens.analyzer.Analyzer;
import io.tcplens.analyzer.decode.DecodeResult;
import io.tcplens.analyzer.decode.PacketDecoder;
import io.tcplens.analyzer.decode.TcpSegment;
import io.tcplens.analyzer.session.SessionRecord;
import io.tcplens.capture.CaptureFiles;
import io.tcplens.capture.FrameHandler;
import io.tcplens.capture.HeaderFrameHandler;
import io.tcplens.capture.PacketSource;
import io.tcplens.capture.ReadResult;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The fast read path hands the analyzer only each frame's first bytes, and the whole frame only
 * when it asks. Its results must be those of whole frames: per frame, every field of the decoded
 * segment ({@link PacketDecoder#decodeHeaders} against {@link PacketDecoder#decode}, for header
 * lengths from "just Ethernet + IPv4 + TCP" up); per capture, every session record, the decode
 * counts and the reader's warning. On the sample captures and the public corpus.
 */
class HeaderPathAgreementTest {

    /** header lengths tried per frame: below, at and above the usual Ethernet/IP/TCP header sizes */
    static final int[] PRESENT = {14, 40, 54, 60, 66, 74, 86, 96, 128, 192};

    static Stream<Path> captures() throws Exception {
        List<Path> all = new ArrayList<>(ThreadsAgreementTest.captures(TsharkFixtures.samples()));
        all.addAll(ThreadsAgreementTest.captures(TsharkFixtures.corpus()));
        return all.stream();
    }

    @TestFactory
    Stream<DynamicTest> everyFieldOfEveryFrame() throws Exception {
        return captures().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
            PacketDecoder decoder = new PacketDecoder();
            TcpSegment whole = new TcpSegment();
            TcpSegment head = new TcpSegment();
            long[] missed = {0, 0};   // Ethernet TCP segments whose headers were present but not taken; example
            try (PacketSource src = CaptureFiles.open(p, CaptureFiles.Reader.BUILTIN)) {
                src.readAll((ts, lt, ifId, data, off, caplen, origlen) -> {
                    boolean plain = decoder.decode(lt, data, off, caplen, origlen, whole) == DecodeResult.TCP
                            && lt == PacketDecoder.LINKTYPE_ETHERNET && !whole.moreFragments()
                            && whole.fragmentOffset() == 0;
                    int headerEnd = whole.tcpOffset() - off + whole.tcpHeaderLength();
                    String expected = describe(whole, off);
                    byte[] copy = java.util.Arrays.copyOfRange(data, off, off + caplen);
                    for (int present : PRESENT) {
                        if (present >= caplen) {
                            continue;
                        }
                        byte[] first = java.util.Arrays.copyOf(copy, present);   // nothing past `present`
                        if (decoder.decodeHeaders(lt, first, 0, present, caplen, origlen, head)) {
                            assertEquals(expected, describe(head, 0), p + ": a frame decoded from its first "
                                    + present + " of " + caplen + " bytes");
                        } else if (plain && present >= headerEnd && missed[0]++ == 0) {
                            missed[1] = present;
                        }
                    }
                });
            }
            // the fast path is really taken: a plain Ethernet TCP segment whose headers are all there never needs the whole frame
            assertEquals(0, missed[0], p + ": Ethernet TCP segments decoded whole although their headers were present"
                    + " (first with " + missed[1] + " bytes)");
        }));
    }

    @TestFactory
    Stream<DynamicTest> sameSessionsAsWholeFrames() throws Exception {
        return captures().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
            String whole = analyse(p, 0);
            assertEquals(whole, analyse(p, AnalyzeCommand.HEADER_BYTES), p + ": headers only");
            assertEquals(whole, analyse(p, 54), p + ": short headers (many frames read whole)");
        }));
    }

    /** the session records, decode counts and warning of one capture; {@code header} 0: whole frames */
    static String analyse(Path p, int header) throws Exception {
        List<SessionRecord> records = new ArrayList<>();
        Analyzer analyzer = new Analyzer(records::add);
        FrameHandler full = analyzer::onFrame;
        ReadResult result;
        try (PacketSource src = CaptureFiles.open(p, CaptureFiles.Reader.BUILTIN)) {
            result = src.readAll(header == 0 ? full : HeaderFrameHandler.of(header, analyzer::onFrameHeaders, full));
        } catch (io.tcplens.capture.CaptureException e) {
            return "not read: " + e.getMessage();
        }
        analyzer.finish();
        records.sort(java.util.Comparator.comparingLong(SessionRecord::id));
        var st = analyzer.stats();
        return result + "\nframes " + st.frames() + " tcp " + st.tcpSegments() + " malformed " + st.malformed()
                + " truncated " + st.truncated() + "\n" + records.stream().map(Object::toString)
                .reduce("", (x, y) -> x + y + "\n");
    }

    /** every public fact of a decoded segment; offsets relative to the frame's first byte at {@code base} */
    static String describe(TcpSegment s, int base) {
        StringBuilder b = new StringBuilder();
        b.append(s.ipVersion()).append(' ').append(s.srcHi()).append(' ').append(s.srcLo()).append(' ')
                .append(s.dstHi()).append(' ').append(s.dstLo()).append(" ip@").append(s.ipOffset() - base)
                .append(" ttl ").append(s.ipTtl()).append(" id ").append(s.ipId()).append(" mf ")
                .append(s.moreFragments()).append(" fo ").append(s.fragmentOffset()).append(" assumed ")
                .append(s.ipLengthAssumed()).append(" jumbo ").append(s.jumbogram()).append(" tun ")
                .append(s.tunnelDepth()).append(" vlan ").append(s.vlanId()).append('/').append(s.innerVlanId())
                .append('/').append(s.vlanCount()).append(" tcp@").append(s.tcpOffset() - base).append(' ')
                .append(s.srcPort()).append('>').append(s.dstPort()).append(" seq ").append(s.seq())
                .append(" ack ").append(s.ack()).append(" flags ").append(s.flagsWithReserved())
                .append(" win ").append(s.window()).append(" hl ").append(s.tcpHeaderLength())
                .append(" len ").append(s.payloadLength()).append(" caplen ").append(s.capturedPayloadLength())
                .append(" urg ").append(s.urgentPointer()).append(" sum ").append(s.checksum())
                .append(" mss ").append(s.mss()).append(" ws ").append(s.windowScale()).append(" sackok ")
                .append(s.sackPermitted()).append(" ts ").append(s.hasTimestamps()).append(' ')
                .append(s.tsVal()).append(' ').append(s.tsEcr()).append(" sack");
        for (int i = 0; i < s.sackBlockCount(); i++) {
            b.append(' ').append(s.sackLeft(i)).append('-').append(s.sackRight(i));
        }
        b.append(" trunc ").append(s.optionsTruncated()).append(" bad ").append(s.optionsMalformed())
                .append(" chk ").append(s.checksumStatus());
        return b.toString();
    }
}
