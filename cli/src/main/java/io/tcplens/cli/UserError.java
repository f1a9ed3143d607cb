package io.tcplens.cli;

/** A problem the user can fix: printed as one line ("tcplens: ...") with its exit code. */
public final class UserError extends RuntimeException {

    private final int exitCode;

    public UserError(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
