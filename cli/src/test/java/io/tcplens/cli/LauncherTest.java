package io.tcplens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./tcplens} launcher sizes its inputs with one {@code stat} process, however many
 * arguments it gets (issue 13: one per argument made 5,000 inputs take minutes before Java
 * started). The script runs from a copy with a built jar in place, {@code stat} and {@code java}
 * replaced by wrappers on PATH that count the calls and record the JVM flags.
 */
class LauncherTest {

    @TempDir
    Path tmp;

    static final Path SCRIPT = Path.of(System.getProperty("tcplens.samples", "../sample-pcaps")).getParent()
            .resolve("tcplens");

    static Path executable(Path p, String text) throws Exception {
        Files.writeString(p, text);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    record Launch(int statCalls, String javaArgs) {
    }

    Launch launch(List<String> args) throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Path script = home.resolve("tcplens");
        if (!Files.exists(script)) {
            Files.copy(SCRIPT, script);
            Files.createDirectories(home.resolve("cli/target"));
            Files.write(home.resolve("cli/target/tcplens.jar"), new byte[0]);   // built: nothing to rebuild
        }
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path calls = tmp.resolve("stat-calls");
        Path javaArgs = tmp.resolve("java-args");
        Files.deleteIfExists(calls);
        Files.deleteIfExists(javaArgs);
        Path realStat = Path.of("/usr/bin/stat");
        executable(bin.resolve("stat"), "#!/bin/sh\necho >> '" + calls + "'\nexec " + realStat + " \"$@\"\n");
        // the JVM flags, up to -jar
        executable(bin.resolve("java"), "#!/bin/sh\nfor a in \"$@\"; do [ \"$a\" = -jar ] && break; printf '%s ' \"$a\";"
                + " done > '" + javaArgs + "'\n");
        List<String> command = new ArrayList<>(List.of("/bin/bash", script.toString()));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).directory(tmp.toFile()).redirectErrorStream(true);
        pb.environment().put("PATH", bin + ":/usr/bin:/bin");
        pb.environment().remove("JAVA_OPTS");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "launcher did not end");
        assertEquals(0, p.exitValue(), out);
        int statCalls = Files.exists(calls) ? Files.readAllLines(calls).size() : 0;
        return new Launch(statCalls, Files.readString(javaArgs).strip());
    }

    static Path sparse(Path p, long size) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(size);
        }
        return p;
    }

    @Test
    void inputsAreSizedWithOneStatWhateverTheirNumber() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/bash")) && Files.isExecutable(Path.of("/usr/bin/stat")),
                "needs bash and /usr/bin/stat");
        assertTrue(Files.isRegularFile(SCRIPT), "launcher missing: " + SCRIPT);
        // 2,000 arguments: options, names of nothing, and 3 real files of 1.5 GB + 0.6 GB + 10 bytes (sparse)
        Path big = sparse(tmp.resolve("big.pcap"), 1_500_000_000L);
        Path mid = sparse(tmp.resolve("mid.pcap"), 600_000_000L);
        Path tiny = sparse(tmp.resolve("tiny.pcap"), 10);
        List<String> args = new ArrayList<>(List.of("analyze", "--brief", "-r", big.toString(), mid.toString()));
        for (int i = 0; i < 1994; i++) {
            args.add("missing-" + i + ".pcap");
        }
        args.add(tiny.toString());
        assertEquals(2000, args.size());
        // 2,100,000,010 bytes: from 2 GB on, the C2 compiler pays (no -XX:TieredStopAtLevel=1)
        assertEquals(new Launch(1, "-XX:+UseParallelGC"), launch(args));
        // without the big one, 600,000,010 bytes: C1 only
        args.remove(big.toString());
        assertEquals(new Launch(1, "-XX:+UseParallelGC -XX:TieredStopAtLevel=1"), launch(args));
        // no file at all (standard input): no stat
        assertEquals(new Launch(0, "-XX:+UseParallelGC -XX:TieredStopAtLevel=1"), launch(List.of("analyze", "-")));
    }
}
