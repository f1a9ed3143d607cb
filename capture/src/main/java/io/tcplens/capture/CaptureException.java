package io.tcplens.capture;

/**
 * A packet source could not be opened or read. The message is one line for a person: what is
 * wrong and what to do. The {@link Reason} lets the command line map it to an exit code.
 */
public final class CaptureException extends Exception {

    public enum Reason {
        /** the file does not exist or cannot be opened */
        FILE_NOT_FOUND,
        /** the file is not a pcap or pcapng capture (the message names the magic found) */
        NOT_A_CAPTURE,
        /** reading failed for an I/O reason */
        IO_ERROR,
        /** libpcap could not be loaded */
        LIBPCAP_MISSING,
        /** the operating system refused the capture */
        PERMISSION_DENIED,
        /** no such capture device */
        UNKNOWN_INTERFACE,
        /** the BPF filter expression did not compile */
        INVALID_FILTER,
        /** the device exists but is not up */
        INTERFACE_DOWN,
        /** libpcap reported another error */
        LIBPCAP_ERROR
    }

    private final Reason reason;

    public CaptureException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public CaptureException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
