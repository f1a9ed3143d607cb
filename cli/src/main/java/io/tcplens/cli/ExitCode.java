package io.tcplens.cli;

import io.tcplens.capture.CaptureException;

/** Exit codes of the tcplens command, in one place (documented in the README). */
public final class ExitCode {

    public static final int OK = 0;
    /** a bug in tcplens: the message says so */
    public static final int INTERNAL_ERROR = 1;
    /** wrong flags or arguments (picocli's own usage code) */
    public static final int USAGE = 2;
    /** an input file is missing or unreadable */
    public static final int INPUT_NOT_FOUND = 3;
    /** the only input, or every input, is not a pcap or pcapng capture (one of several is {@link #INPUT_TRUNCATED}) */
    public static final int NOT_A_CAPTURE = 4;
    /**
     * "partial": a capture is cut short or corrupt; every session up to the damage was reported and
     * one warning says where reading stopped (0 is "complete": every input was read to its end)
     */
    public static final int INPUT_TRUNCATED = 5;
    /** libpcap is not installed */
    public static final int LIBPCAP_MISSING = 6;
    /** the operating system refused the capture */
    public static final int PERMISSION_DENIED = 7;
    /** no such capture interface */
    public static final int UNKNOWN_INTERFACE = 8;
    /** the BPF filter does not compile */
    public static final int INVALID_FILTER = 9;
    /** the interface is down */
    public static final int INTERFACE_DOWN = 10;
    /** the output cannot be written */
    public static final int OUTPUT_ERROR = 11;
    /** the Java heap ran out (the message suggests --max-sessions or a larger -Xmx) */
    public static final int OUT_OF_MEMORY = 12;
    /**
     * SIGINT (Ctrl-C): reading stopped, the sessions read so far were reported and the {@code -o}
     * file is complete. 128 + 2, as shells report it; SIGTERM ends the same way with 143 (128 + 15).
     */
    public static final int INTERRUPTED = 130;
    /** SIGTERM: as {@link #INTERRUPTED} */
    public static final int TERMINATED = 143;

    private ExitCode() {
    }

    public static int of(CaptureException.Reason reason) {
        return switch (reason) {
            case FILE_NOT_FOUND -> INPUT_NOT_FOUND;
            case NOT_A_CAPTURE -> NOT_A_CAPTURE;
            case IO_ERROR -> INPUT_NOT_FOUND;
            case LIBPCAP_MISSING -> LIBPCAP_MISSING;
            case PERMISSION_DENIED -> PERMISSION_DENIED;
            case UNKNOWN_INTERFACE -> UNKNOWN_INTERFACE;
            case INVALID_FILTER -> INVALID_FILTER;
            case INTERFACE_DOWN -> INTERFACE_DOWN;
            case LIBPCAP_ERROR -> INPUT_NOT_FOUND;
        };
    }
}
