package io.tcplens.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptureFilesTest {

    @TempDir
    Path dir;

    private CaptureException fail(Path p) {
        return assertThrows(CaptureException.class, () -> CaptureFiles.open(p).close());
    }

    @Test
    void textFileIsNotACaptureAndTheMessageNamesTheMagic() throws Exception {
        Path p = dir.resolve("x.txt");
        Files.writeString(p, "HTTP/1.1 200 OK\r\n", StandardCharsets.US_ASCII);
        CaptureException e = fail(p);
        assertEquals(CaptureException.Reason.NOT_A_CAPTURE, e.reason());
        assertEquals(p + " is not a pcap or pcapng capture (magic 0x48545450 \"HTTP\"); tcplens reads pcap"
                + " (a1b2c3d4, a1b23c4d) and pcapng (0a0d0d0a)", e.getMessage());
    }

    @Test
    void gzipIsRecognisedInTheHint() throws Exception {
        Path p = dir.resolve("c.pcap.gz");
        Files.write(p, new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0});
        CaptureException e = fail(p);
        assertEquals(CaptureException.Reason.NOT_A_CAPTURE, e.reason());
        assertEquals(p + " is not a pcap or pcapng capture (magic 0x1f8b0800 \"....\"); tcplens reads pcap"
                + " (a1b2c3d4, a1b23c4d) and pcapng (0a0d0d0a); it looks gzip-compressed: gunzip it first", e.getMessage());
    }

    @Test
    void missingFile() {
        Path p = dir.resolve("nope.pcap");
        CaptureException e = fail(p);
        assertEquals(CaptureException.Reason.FILE_NOT_FOUND, e.reason());
        assertEquals("no such file: " + p, e.getMessage());
    }

    @Test
    void directory() {
        CaptureException e = fail(dir);
        assertEquals(CaptureException.Reason.IO_ERROR, e.reason());
        assertEquals(dir + " is a directory, not a capture file", e.getMessage());
    }

    @Test
    void emptyAndTinyFiles() throws Exception {
        Path empty = Files.write(dir.resolve("empty.pcap"), new byte[0]);
        CaptureException e = fail(empty);
        assertEquals(CaptureException.Reason.NOT_A_CAPTURE, e.reason());
        assertEquals(empty + " is empty (0 bytes), not a pcap or pcapng capture", e.getMessage());
        Path tiny = Files.write(dir.resolve("tiny.pcap"), new byte[] {(byte) 0xd4, (byte) 0xc3});
        e = fail(tiny);
        assertEquals(CaptureException.Reason.NOT_A_CAPTURE, e.reason());
        assertEquals(tiny + " is only 2 bytes long, too short for a pcap or pcapng capture", e.getMessage());
    }

    @Test
    void sniffTellsTheFormat() throws Exception {
        Path pcap = Files.write(dir.resolve("a"), CaptureBytes.pcap(java.nio.ByteOrder.BIG_ENDIAN, true, 1, 9).bytes());
        Path ng = Files.write(dir.resolve("b"), CaptureBytes.pcapng(java.nio.ByteOrder.BIG_ENDIAN).bytes());
        assertEquals(CaptureFiles.Format.PCAP, CaptureFiles.sniff(pcap));
        assertEquals(CaptureFiles.Format.PCAPNG, CaptureFiles.sniff(ng));
    }

    @Test
    void pcapngWithDamagedByteOrderMagic() throws Exception {
        byte[] b = CaptureBytes.pcapng(java.nio.ByteOrder.LITTLE_ENDIAN).bytes();
        b[8] = 0;
        Path p = Files.write(dir.resolve("bad.pcapng"), b);
        CaptureException e = fail(p);
        assertEquals(CaptureException.Reason.NOT_A_CAPTURE, e.reason());
        assertEquals(p + " starts like pcapng but its byte-order magic is 0x1a2b3c00 instead of 1a2b3c4d;"
                + " the file is damaged", e.getMessage());
    }
}
