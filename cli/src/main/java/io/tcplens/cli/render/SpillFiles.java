package io.tcplens.cli.render;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The temporary files a report spills to when what it must hold outgrows memory (texts waiting for an
 * older session, their index, the packets of {@code --session N}). One owner for how they are made and
 * removed: in {@code java.io.tmpdir}, private to the user, removed when closed, at a normal exit, and by
 * {@link #deleteAll} when a second signal halts the process (where {@code deleteOnExit} does not run).
 */
public final class SpillFiles {

    private static final Set<Path> OPEN = ConcurrentHashMap.newKeySet();

    private SpillFiles() {
    }

    /**
     * A new temporary file; {@code whatFor} completes the sentence "no room for …" of the error when the
     * folder cannot take one.
     */
    static Path create(String prefix, String suffix, String whatFor) throws IOException {
        Path path;
        try {
            path = Files.createTempFile(prefix, suffix);
        } catch (IOException e) {
            throw new IOException("no room for " + whatFor + ": cannot create a temporary file in "
                    + System.getProperty("java.io.tmpdir") + " (" + e + "); point JAVA_OPTS=-Djava.io.tmpdir=DIR"
                    + " at a writable folder", e);
        }
        path.toFile().deleteOnExit();
        OPEN.add(path);
        return path;
    }

    /** Closes {@code channel} (if open) and removes its file, made by {@link #create}; always null, for the caller's field. */
    static FileChannel close(FileChannel channel, Path path) throws IOException {
        try {
            if (channel != null) {
                channel.close();
            }
        } finally {
            if (path != null) {
                OPEN.remove(path);
                Files.deleteIfExists(path);
            }
        }
        return null;
    }

    /** Removes every spill file still there (the process halts next). */
    public static void deleteAll() {
        for (Path p : OPEN) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException | RuntimeException ignored) {
                // the process ends next; nothing more can be done
            }
        }
    }
}
