package io.tcplens.capture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The public capture corpus named by the {@code tcplens.corpus} system property. */
final class Corpus {

    private Corpus() {
    }

    /** the corpus directory, or null when the property is unset or the directory is absent */
    static Path dir() {
        String prop = System.getProperty("tcplens.corpus");
        if (prop == null || prop.isBlank()) {
            return null;
        }
        Path p = Paths.get(prop).normalize();
        return Files.isDirectory(p) ? p : null;
    }

    /** every *.pcap, *.pcapng and *.cap below {@code dir}, sorted by relative path */
    static List<Path> captures(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir, 16)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> {
                        String n = p.getFileName().toString();
                        return n.endsWith(".pcap") || n.endsWith(".pcapng") || n.endsWith(".cap");
                    })
                    .sorted()
                    .collect(Collectors.toList());
        }
    }

    /** path relative to the corpus, with forward slashes */
    static String name(Path dir, Path file) {
        return dir.relativize(file).toString().replace('\\', '/');
    }
}
