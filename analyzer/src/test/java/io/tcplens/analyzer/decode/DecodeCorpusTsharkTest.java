package io.tcplens.analyzer.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * Every frame of the public corpus that tshark 4.0.17 decodes as TCP (outside ICMP errors) must decode
 * to the same fields here. Expected values come from {@code make-decode-fixtures.sh} (run once, output
 * committed under {@code decode-fixtures/}).
 */
class DecodeCorpusTsharkTest {

    static final String[] FIELDS = {"frame", "ip.version", "src", "dst", "tcp.srcport", "tcp.dstport",
        "tcp.seq_raw", "tcp.ack_raw", "tcp.flags", "tcp.window_size_value", "tcp.len", "tcp.hdr_len"};

    /**
     * Where we deliberately differ from tshark: "file#frame" (or "file#*" for every frame), optionally
     * "|field" to excuse one field only, with a one-line reason.
     */
    static final Map<String, String> EXCUSED = new LinkedHashMap<>();

    /** Where tshark leaves a field empty but says the value elsewhere: "file#frame|field" -> value. */
    static final Map<String, String> OVERRIDE = new LinkedHashMap<>();

    static {
        EXCUSED.put("zeek/ipv4/fragmented-syn.pcap#2",
                "IPv4 fragment reassembly: tshark shows the reassembled SYN on the last fragment; we return FRAGMENT");
        EXCUSED.put("tcpdump/tcp_header_heapoverflow.pcap#1",
                "only 4 TCP header bytes captured: tshark shows the ports, we return TRUNCATED (ports kept)");
        for (int n = 34; n <= 64; n += 2) {
            EXCUSED.put("zeek/cisco-fabric-path.pcap#" + n + "|tcp.len",
                    "tshark's FabricPath dissector takes the last 4 bytes as an FCS, cuts the TCP header short"
                    + " and leaves tcp.len empty; the inner IP says 0 payload bytes");
        }
        EXCUSED.put("tcpdump/timestamp_invalid_nano.pcap#2", "libpcap refuses the record (nanoseconds >= 1e9)");
        EXCUSED.put("tcpdump/timestamp_invalid_nano.pcap#3", "libpcap refuses the record (nanoseconds >= 1e9)");
        EXCUSED.put("zeek/ldap/gap-data-missing.pcapng#*",
                "libpcap 1.10 refuses a pcapng whose interfaces differ in snaplen/link type (126 IDBs)");
        // IPv4 total length 62 > the 50 bytes on the wire: tshark leaves tcp.len empty but shows
        // "TCP payload (10 bytes)" (50 - 20 - 20), which is what we give too
        OVERRIDE.put("tcpdump/rpki-rtr-oobr.pcap#1|tcp.len", "10");
    }

    @Test
    void decodeMatchesTshark() throws Exception {
        Path root = Corpus.root();
        Corpus.assumeLibpcap();
        PacketDecoder decoder = new PacketDecoder();
        TcpSegment seg = new TcpSegment();
        int[] compared = {0};
        int[] equal = {0};
        int[] excused = {0};
        int[] extraTcp = {0};
        List<String> mismatches = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        for (String file : Corpus.files(root)) {
            Map<Integer, String[]> expected = fixture(file);
            String err = Corpus.read(root.resolve(file), (n, linkType, data, wireLen) -> {
                DecodeResult r = decoder.decode(linkType, data, 0, data.length, wireLen, seg);
                String[] exp = expected.remove(n);
                if (exp == null) {
                    if (r == DecodeResult.TCP && !EXCUSED.containsKey(file + "#" + n + "|notcp")) {
                        extraTcp[0]++;
                        mismatches.add(file + "#" + n + ": we decode TCP, tshark does not");
                    }
                    return;
                }
                compared[0]++;
                String frameExcuse = excuse(file, n, null);
                if (frameExcuse != null) {
                    excused[0]++;
                    return;
                }
                String[] got = actual(n, r, seg);
                boolean ok = true;
                boolean fieldExcused = false;
                for (int i = 1; i < FIELDS.length; i++) {
                    String o = OVERRIDE.get(file + "#" + n + "|" + FIELDS[i]);
                    if (o != null) {
                        exp[i] = o;
                    }
                    if (same(FIELDS[i], exp[i], got[i])) {
                        continue;
                    }
                    if (excuse(file, n, FIELDS[i]) != null) {
                        fieldExcused = true;
                        continue;
                    }
                    ok = false;
                    mismatches.add(file + "#" + n + " " + FIELDS[i] + ": tshark '" + exp[i] + "' ours '" + got[i]
                            + "' (" + r + ")");
                }
                if (ok && fieldExcused) {
                    excused[0]++;
                } else if (ok) {
                    equal[0]++;
                }
            });
            if (err != null) {
                unreadable.add(file + ": " + err);
            }
            for (Map.Entry<Integer, String[]> e : expected.entrySet()) {
                String ex = excuse(file, e.getKey(), null);
                compared[0]++;
                if (ex != null) {
                    excused[0]++;
                } else {
                    mismatches.add(file + "#" + e.getKey() + ": tshark TCP frame not read (" + err + ")");
                }
            }
        }
        System.out.printf("tshark agreement: %d TCP frames compared, %d equal, %d excused, %d differ;"
                + " %d frames decoded as TCP only by us; unreadable files: %s%n",
                compared[0], equal[0], excused[0], compared[0] - equal[0] - excused[0], extraTcp[0], unreadable);
        mismatches.stream().limit(400).forEach(System.out::println);
        assertTrue(mismatches.isEmpty(), mismatches.size() + " mismatches, first: "
                + (mismatches.isEmpty() ? "" : mismatches.get(0)));
        assertEquals(compared[0], equal[0] + excused[0]);
    }

    private static String excuse(String file, int frame, String field) {
        String base = file + "#" + frame;
        String all = file + "#*";
        if (field == null) {
            String e = EXCUSED.get(base);
            return e != null ? e : EXCUSED.get(all);
        }
        String e = EXCUSED.get(base + "|" + field);
        return e != null ? e : EXCUSED.get(all + "|" + field);
    }

    private static boolean same(String field, String exp, String got) {
        if (field.equals("tcp.flags")) {
            try {
                return Integer.decode(exp).intValue() == Integer.decode(got).intValue();
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return exp.equals(got);
    }

    static String[] actual(int frame, DecodeResult r, TcpSegment s) {
        if (r != DecodeResult.TCP) {
            String[] g = new String[FIELDS.length];
            java.util.Arrays.fill(g, r.toString());
            return g;
        }
        return new String[] {
            Integer.toString(frame),
            Integer.toString(s.ipVersion()),
            PacketDecoder.formatAddress(s.ipVersion(), s.srcHi(), s.srcLo()),
            PacketDecoder.formatAddress(s.ipVersion(), s.dstHi(), s.dstLo()),
            Integer.toString(s.srcPort()),
            Integer.toString(s.dstPort()),
            Long.toString(s.seqUnsigned()),
            Long.toString(s.ackUnsigned()),
            String.format("0x%04x", s.flagsWithReserved()),
            Integer.toString(s.window()),
            Integer.toString(s.payloadLength()),
            Integer.toString(s.tcpHeaderLength()),
        };
    }

    /** frame number -> the 12 tshark columns, from decode-fixtures/NAME.tsv.gz */
    static Map<Integer, String[]> fixture(String file) throws Exception {
        String res = "/decode-fixtures/" + file.replace("/", "__") + ".tsv.gz";
        Map<Integer, String[]> m = new HashMap<>();
        try (InputStream in = DecodeCorpusTsharkTest.class.getResourceAsStream(res)) {
            if (in == null) {
                throw new AssertionError("no fixture " + res + ": run make-decode-fixtures.sh");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(in), StandardCharsets.UTF_8));
            for (String line; (line = r.readLine()) != null; ) {
                String[] f = line.split("\t", -1);
                m.put(Integer.parseInt(f[0]), f);
            }
        }
        return m;
    }
}
