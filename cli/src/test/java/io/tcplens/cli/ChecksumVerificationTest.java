package io.tcplens.cli;

import io.tcplens.analyzer.Analyzer;
import io.tcplens.analyzer.session.InIdOrder;
import io.tcplens.analyzer.session.SessionRecord;
import io.tcplens.capture.CaptureFiles;
import io.tcplens.capture.PacketSource;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Bad TCP checksums counted with verification on, none without. Expected counts from
 * {@code tshark -o tcp.check_checksum:TRUE -T fields -e tcp.checksum.status} (0 = bad, 1 = good).
 */
class ChecksumVerificationTest {

    private static final Path CORPUS = Path.of(System.getProperty("tcplens.corpus", "../../shared/pcaps/public"));

    private static List<SessionRecord> analyze(String file, boolean verify) throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(CORPUS), "public corpus not found at " + CORPUS);
        List<SessionRecord> out = new ArrayList<>();
        Analyzer a = new Analyzer(new InIdOrder(out::add));
        a.setVerifyChecksums(verify);
        try (PacketSource src = CaptureFiles.open(CORPUS.resolve(file))) {
            src.readAll(a::onFrame);
        }
        a.finish();
        return out;
    }

    private static long bad(List<SessionRecord> rs) {
        return rs.stream().mapToLong(r -> r.clientInfo().badChecksums() + r.serverInfo().badChecksums()).sum();
    }

    @Test
    void offloadedChecksumsOnLocalhostAreCountedOnlyWhenAsked() throws Exception {
        // tshark: 6 bad, 4 good
        assertEquals(6, bad(analyze("zeek/chksums/localhost-bad-chksum.pcap", true)));
        assertEquals(0, bad(analyze("zeek/chksums/localhost-bad-chksum.pcap", false)));
    }

    @Test
    void goodAndScrambledChecksums() throws Exception {
        assertEquals(0, bad(analyze("tcpdump/dns_tcp.pcap", true)));       // tshark: 11 good
        assertEquals(1, bad(analyze("zeek/tcp/syn-bad.pcap", true)));      // tshark: 1 bad
    }

    @Test
    void zeekHistoryMarksBadChecksumsAndIgnoresThosePackets() throws Exception {
        // localhost-bad-chksum: all 6 packets the client sent have bad checksums (tshark), the server's
        // 4 are good. Zeek's rules: 'C' once for the client (then its packets are dropped), then the
        // server's SYN-ACK 'h', ACK 'a', data 'd', FIN 'f'; a responder that sent SYN-ACK and FIN
        // without a SYN seen is SHR. Without checking, the ordinary SF ShADadFf.
        SessionRecord checked = analyze("zeek/chksums/localhost-bad-chksum.pcap", true).get(0);
        assertEquals("Chadf", checked.zeek().history());
        assertEquals("SHR", checked.zeek().connState());
        SessionRecord unchecked = analyze("zeek/chksums/localhost-bad-chksum.pcap", false).get(0);
        assertEquals("ShADadFf", unchecked.zeek().history());
        assertEquals("SF", unchecked.zeek().connState());
    }

    @Test
    void ipv6PseudoHeader() throws Exception {
        assertEquals(0, bad(analyze("zeek/ftp/ipv6.pcap", true)));                  // tshark: 136 good
        assertEquals(4, bad(analyze("zeek/ipv6-http-atomic-frag.pcap", true)));     // tshark: 4 bad, 32 good
    }
}
