package io.tcplens.cli;

import io.tcplens.capture.LibpcapFileReader;
import io.tcplens.capture.PcapWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Path;

import static io.tcplens.cli.AnalyzeCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** What the one error line says (issue 13): a link type libpcap cannot filter. */
class ErrorMessagesTest {

    @TempDir
    Path tmp;

    /** a capture of one 40-byte frame of {@code linkType} */
    private Path oneFrame(int linkType) throws IOException {
        Path file = tmp.resolve("linktype-" + linkType + ".pcap");
        try (PcapWriter w = new PcapWriter(file, linkType, 65535, false)) {
            w.write(1_700_000_000_000_000_000L, new byte[40], 0, 40, 40);
        }
        return file;
    }

    /**
     * libpcap compiles no BPF at all for some link types, whatever the expression ({@code tcpdump -r
     * FILE tcp} on such a file says the same words): the message says so and names the link type
     * instead of calling the expression invalid.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "147|link type 147 (USER0)|DLT 147 link-layer type filtering not implemented",
        "239|link type 239 (NFLOG)|NFLOG link-layer type filtering not implemented"})
    void aLinkTypeLibpcapCannotFilterIsNamed(int linkType, String named, String libpcap) throws IOException {
        assumeTrue(LibpcapFileReader.isAvailable(), "libpcap is not installed: -f needs it");
        Path file = oneFrame(linkType);
        String[][] commands = {
            {"analyze", "-f", "tcp", file.toString()},
            {"show", "-f", "tcp", "--session", "0", file.toString()},
            {"extract", "-f", "tcp", "--session", "0", "-w", tmp.resolve("x.pcap").toString(), file.toString()}};
        for (String[] args : commands) {
            String command = args[0];
            AnalyzeCommandTest.Run r = run(args);
            assertEquals(ExitCode.INVALID_FILTER, r.code(), command + ": " + r.err());
            assertEquals("tcplens: -f 'tcp' cannot be applied to frames of " + named + ": libpcap has no BPF filtering for"
                    + " that link type (libpcap: " + libpcap + "); read without -f and choose sessions with --host and"
                    + " --port instead\n", r.err(), command);
        }
    }

    /** an expression libpcap rejects on any link type is still called invalid */
    @Test
    void aWrongExpressionIsStillInvalid() throws IOException {
        assumeTrue(LibpcapFileReader.isAvailable(), "libpcap is not installed: -f needs it");
        AnalyzeCommandTest.Run r = run("analyze", "-f", "tcp port 99999", oneFrame(1).toString());
        assertEquals(ExitCode.INVALID_FILTER, r.code(), r.err());
        assertEquals("tcplens: invalid BPF filter 'tcp port 99999': illegal port number 99999 > 65535\n", r.err());
    }
}
