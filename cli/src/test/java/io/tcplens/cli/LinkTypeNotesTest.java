package io.tcplens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Frames of link types tcplens does not decode are noted, but a capture cannot make the notes as long
 * as it likes: a pcapng may describe 65,536 interfaces per section, each of its own link type.
 */
class LinkTypeNotesTest {

    @TempDir
    Path tmp;

    /** SHB, {@code types} IDBs of link types 1000, 1001, ..., then frame i (i + 1 frames of 16 bytes) on interface i */
    static byte[] pcapng(int types) {
        ByteBuffer b = ByteBuffer.allocate(28 + 20 * types + 48 * types * (types + 1) / 2).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x0A0D0D0A).putInt(28).putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0).putLong(-1).putInt(28);
        for (int i = 0; i < types; i++) {
            b.putInt(1).putInt(20).putShort((short) (1000 + i)).putShort((short) 0).putInt(0).putInt(20);
        }
        for (int i = 0; i < types; i++) {
            for (int k = 0; k <= i; k++) {
                b.putInt(6).putInt(48).putInt(i).putInt(0).putInt(k).putInt(16).putInt(16).put(new byte[16]).putInt(48);
            }
        }
        return b.array();
    }

    @Test
    void atMostSixteenLinkTypesAreNamedTheRestShareOneLine() throws Exception {
        Path f = Files.write(tmp.resolve("types.pcapng"), pcapng(20));
        AnalyzeCommandTest.Run r = AnalyzeCommandTest.run("analyze", "--brief", f.toString());
        assertEquals(0, r.code(), r.err());
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            expected.add("tcplens: note: " + (i + 1) + " frames of link type " + (1000 + i)
                    + " were skipped: tcplens does not decode that link type");
        }
        // link types 1016..1019: 17 + 18 + 19 + 20 frames
        expected.add("tcplens: note: 74 frames of 4 other link types were skipped: tcplens does not decode those"
                + " link types either");
        assertEquals(expected, r.errLines());
        // sixteen types: one line each, as before
        f = Files.write(tmp.resolve("sixteen.pcapng"), pcapng(16));
        assertEquals(expected.subList(0, 16), AnalyzeCommandTest.run("analyze", "--brief", f.toString()).errLines());
    }
}
