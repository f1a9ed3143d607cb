package io.tcplens.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/** Entry point: {@code tcplens <command>}. Errors become one line on stderr and an exit code. */
@Command(name = "tcplens",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Rebuilds every TCP conversation of a capture into its handshake, data and close phases.",
        subcommands = {AnalyzeCommand.class, CaptureCommand.class, InterfacesCommand.class, ShowCommand.class,
            ExtractCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            " 0:success: every input read to its end (also when the reader of a pipe goes away)",
            " 1:internal error (a bug in tcplens)",
            " 2:wrong flags or arguments",
            " 3:input file missing or unreadable",
            " 4:the input (or every input) is not a pcap or pcapng capture",
            " 5:partial: a capture is truncated or corrupt, or one of several inputs is not a capture (sessions"
                    + " read were reported)",
            " 6:libpcap is not installed",
            " 7:permission denied",
            " 8:unknown interface",
            " 9:invalid BPF filter",
            "10:interface is down",
            "11:output cannot be written",
            "12:out of memory (see --max-sessions)",
            "130:interrupted by SIGINT (143: SIGTERM, 129: SIGHUP); sessions read so far were reported"})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required, e.g. tcplens analyze FILE");
    }

    public static void main(String[] args) {
        System.exit(run(args, Output.Stdout.process(), new PrintWriter(System.err, true)));
    }

    /**
     * Runs a command line; returns the exit code. Used by tests too. Everything written to {@code err}
     * passes {@link StderrWriter}: control characters in a message line are printed escaped.
     */
    public static int run(String[] args, PrintWriter out, PrintWriter rawErr) {
        PrintWriter err = new StderrWriter(rawErr);
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof UserError u) {
                err.println("tcplens: " + u.getMessage());
                return u.exitCode();
            }
            err.println(internalError(ex));
            StackTraceElement[] st = ex.getStackTrace();
            if (st.length > 0 && Boolean.getBoolean("tcplens.debug")) {
                ex.printStackTrace(rawErr);
            }
            return ExitCode.INTERNAL_ERROR;
        });
        cl.setParameterExceptionHandler((ex, args2) -> {
            CommandLine c = ex.getCommandLine();
            err.println("tcplens: " + ex.getMessage() + " (see: " + c.getCommandSpec().qualifiedName() + " --help)");
            return ExitCode.USAGE;
        });
        int code;
        try {
            code = cl.execute(args);
        } catch (OutOfMemoryError e) {
            err.println(outOfMemory(Runtime.getRuntime().maxMemory()));
            code = ExitCode.OUT_OF_MEMORY;
        } catch (StackOverflowError | AssertionError | LinkageError | InternalError e) {
            // picocli hands only Exceptions to the handler above; an Error is a bug too: one line, exit 1
            err.println(internalError(e));
            if (Boolean.getBoolean("tcplens.debug")) {
                e.printStackTrace(rawErr);
            }
            code = ExitCode.INTERNAL_ERROR;
        }
        out.flush();
        err.flush();
        return code;
    }

    /**
     * What exit 12 says. It names no cause it cannot know: what tcplens holds follows the sessions
     * open at once (the session table, each one's packets for a ladder, within their budgets), but a
     * heap can also be too small for the report itself (issue 13: the message used to blame
     * concurrent sessions when millions had ended behind one long one).
     */
    static String outOfMemory(long maxHeap) {
        return "tcplens: out of memory: the Java heap (at most " + (maxHeap >> 20) + " MiB) is too small for this run; "
                + "give Java more memory (JAVA_OPTS=-Xmx4g ./tcplens ...), or, if many sessions are open at once, "
                + "cap them (--max-sessions N)";
    }

    /** the one line for a bug in tcplens */
    static String internalError(Throwable t) {
        return "tcplens: internal error: " + t + " (please report it with the command line and capture; "
                + "-Dtcplens.debug=true prints the stack trace)";
    }

    /** Version from the jar manifest when packaged. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"tcplens " + (v != null ? v : "(development build)")};
        }
    }
}
