package io.tcplens.capture;

import java.util.List;

/**
 * What reading a capture file delivered.
 *
 * @param frames   frames handed to the handler
 * @param bytes    bytes of the file consumed (headers included), i.e. where reading stopped
 * @param warning  null when the file was read to its end; otherwise one line saying where and why
 *                 reading stopped early (a record cut short, a corrupt block). Every complete frame
 *                 before that point was delivered.
 * @param notes    things a person should know that did not stop reading or lose a session (a frame
 *                 larger than any link carries, read only in part; timestamps beyond 64-bit epoch
 *                 nanoseconds); at most one per cause and interface, so bounded by the interfaces
 */
public record ReadResult(long frames, long bytes, String warning, List<String> notes) {

    public ReadResult {
        notes = List.copyOf(notes);
    }

    public ReadResult(long frames, long bytes, String warning) {
        this(frames, bytes, warning, List.of());
    }

    public boolean complete() {
        return warning == null;
    }
}
