package io.tcplens.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * libpcap (through pcap4j) and the built-in readers must agree on every corpus file libpcap can
 * read: per frame the timestamp, link type, caplen, origlen and CRC-32 of the bytes. libpcap
 * reports every pcapng interface as 0, so interface ids are not compared.
 */
class LibpcapDifferentialTest {

    record Summary(long ts, int linkType, int caplen, int origlen, long crc) {
    }

    static final class Summaries implements FrameHandler {
        final List<Summary> list = new ArrayList<>();
        private final CRC32 crc = new CRC32();
        private final long snaplen;
        int clipped;

        Summaries(long snaplen) {
            this.snaplen = snaplen;
        }

        Summaries() {
            this(0);
        }

        @Override
        public void onFrame(long ts, int linkType, int ifId, byte[] data, int off, int caplen, int origlen) {
            if (snaplen > 0 && caplen > snaplen) {
                // libpcap (sf-pcap.c) cuts a record longer than the file's snaplen to the snaplen
                caplen = (int) snaplen;
                clipped++;
            }
            crc.reset();
            crc.update(data, off, caplen);
            list.add(new Summary(ts, linkType, caplen, origlen, crc.getValue()));
        }
    }

    /** corpus files libpcap cannot read like tcplens, and why */
    static String knownDifference(String name) {
        return switch (name) {
            // pcap4j builds a java.sql.Timestamp and rejects fractions >= 1 s
            case "tcpdump/timestamp_invalid_nano.pcap" -> "invalid-timestamp";
            // 126 interfaces of link types 1, 113 and 274: libpcap needs one link type per file
            case "zeek/ldap/gap-data-missing.pcapng" -> "multi-link-type";
            default -> null;
        };
    }

    static void assumeLibpcap() {
        Assumptions.assumeTrue(LibpcapFileReader.isAvailable(), "libpcap not installed");
    }

    @TestFactory
    Stream<DynamicTest> libpcapAgreesWithTheBuiltInReaders() throws Exception {
        assumeLibpcap();
        Path dir = Corpus.dir();
        Assumptions.assumeTrue(dir != null, "corpus directory (system property tcplens.corpus) not found");
        return Corpus.captures(dir).stream().map(f -> DynamicTest.dynamicTest(Corpus.name(dir, f), () -> {
            String name = Corpus.name(dir, f);
            Summaries builtin;
            try (PacketSource src = CaptureFiles.open(f)) {
                builtin = new Summaries(src instanceof PcapFileReader p ? p.snaplen() : 0);
                assertNull(src.readAll(builtin).warning());
            }
            if (builtin.clipped > 0) {
                System.out.println(name + ": " + builtin.clipped + " records longer than the snaplen, cut by libpcap");
            }
            Summaries lib = new Summaries();
            String known = knownDifference(name);
            ReadResult r;
            try (PacketSource src = CaptureFiles.open(f, CaptureFiles.Reader.LIBPCAP)) {
                r = src.readAll(lib);
            }
            if ("multi-link-type".equals(known)) {
                // libpcap stops at the first interface of another link type; the frames before it are kept
                assertTrue(r.warning().startsWith("libpcap stopped reading after " + lib.list.size() + " frames: "),
                        r.warning());
                assertTrue(r.warning().endsWith("; libpcap reads pcapng only when all interfaces share one link type"
                        + " and snaplen: use the built-in reader"), r.warning());
                assertEquals(builtin.list.subList(0, lib.list.size()), lib.list);
                return;
            }
            if ("invalid-timestamp".equals(known)) {
                // frame 1 is valid; frame 2 has fraction 1000000000 ns
                assertEquals(builtin.list.subList(0, 1), lib.list);
                assertEquals("frame 2 has a timestamp fraction of 1 s or more that pcap4j cannot represent;"
                        + " 1 complete frames were read", r.warning());
                return;
            }
            assertNull(r.warning());
            assertEquals(builtin.list.size(), lib.list.size(), "frame count");
            for (int i = 0; i < lib.list.size(); i++) {
                assertEquals(builtin.list.get(i), lib.list.get(i), "frame " + (i + 1));
            }
        }));
    }

    @Test
    void availabilityIsStableAndReportsAVersion() {
        assumeLibpcap();
        assertTrue(LibpcapFileReader.isAvailable());
        String v = LibpcapFileReader.libraryVersion();
        assertNotNull(v);
        assertTrue(v.startsWith("libpcap version"), v);
    }

    @Test
    void libpcapDltValuesMapBackToLinkTypes() {
        assertEquals(101, LibpcapFileReader.linkTypeOf(12));
        assertEquals(100, LibpcapFileReader.linkTypeOf(11));
        assertEquals(1, LibpcapFileReader.linkTypeOf(1));
        assertEquals(276, LibpcapFileReader.linkTypeOf(276));
        assertFalse(LibpcapFileReader.linkTypeOf(113) != 113);
    }

    @Test
    void truncatedFileGivesLibpcapsMessageAsWarning(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        assumeLibpcap();
        byte[] whole = CaptureBytes.pcap(java.nio.ByteOrder.LITTLE_ENDIAN, true, 1, 65535)
                .record(1, 2, CaptureBytes.payload(100, 0), 100)
                .record(3, 4, CaptureBytes.payload(1514, 0), 1514).bytes();
        Path p = java.nio.file.Files.write(dir.resolve("cut.pcap"), java.util.Arrays.copyOf(whole, 24 + 116 + 16 + 596));
        Summaries lib = new Summaries();
        ReadResult r;
        try (PacketSource src = CaptureFiles.open(p, CaptureFiles.Reader.LIBPCAP)) {
            r = src.readAll(lib);
        }
        assertEquals(1, lib.list.size());
        assertEquals(1_000_000_002L, lib.list.get(0).ts());
        assertEquals("file truncated (libpcap: truncated dump file; tried to read 1514 captured bytes, only got 596);"
                + " 1 complete frames were read", r.warning());
    }

    @Test
    void missingFileThroughLibpcap() {
        CaptureException e = assertThrows(CaptureException.class,
                () -> CaptureFiles.open(Path.of("/nonexistent/x.pcap"), CaptureFiles.Reader.LIBPCAP));
        assertEquals(CaptureException.Reason.FILE_NOT_FOUND, e.reason());
    }
}
