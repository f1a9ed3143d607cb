package io.tcplens.capture;

/**
 * What reading a capture file delivered.
 *
 * @param frames   frames handed to the handler
 * @param bytes    bytes of the file consumed (headers included), i.e. where reading stopped
 * @param warning  null when the file was read to its end; otherwise one line saying where and why
 *                 reading stopped early (a record cut short, a corrupt block). Every complete frame
 *                 before that point was delivered.
 */
public record ReadResult(long frames, long bytes, String warning) {

    public boolean complete() {
        return warning == null;
    }
}
