package io.tcplens.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Where an output path ({@code analyze -o}, {@code capture -o} and {@code -w}, {@code extract -w}) goes: the one
 * rule every writer follows, so that no output ever destroys a file.
 * <ul>
 *   <li>{@code -} is standard output (libpcap's {@code pcap_dump_open}, and so tcpdump's and tshark's {@code -w -});
 *   <li>a path that exists and is not a regular file (a character or block device, a FIFO, a socket) is opened and
 *       written in place, as tcpdump's {@code fopen(name, "wb")} does: {@code /dev/null} stays the device, a FIFO's
 *       reader gets the bytes, {@code /dev/full} is a write error (exit 11). It is opened to append, so a file
 *       behind {@code /dev/stdout} keeps what the shell's {@code >>} put there;
 *   <li>a symbolic link is followed (relative targets from the link's folder, at most {@value #MAX_LINKS} links,
 *       Linux's {@code MAXSYMLINKS}; a dangling link names the file to create) and what it names is handled as
 *       below, so the link stays a link; a link in {@code /proc} ({@code /proc/self/fd/N}, reached from
 *       {@code /dev/stdout} and {@code /dev/fd/N}) names an open file, not a path, and is written in place, but
 *       only when that descriptor is open for writing ({@link #requireOpenForWriting});
 *   <li>a regular file, or none, is written under a temporary name in the same folder ({@code .NAME.RANDOM.part},
 *       mode 0644 under the umask, as a file the shell creates with {@code >}) and renamed over the name when the
 *       output is complete ({@link #commit}), so a failed or aborted run leaves the old file as it was;
 *   <li>an output that is the same file as an input (also through a symbolic or hard link: same device and inode)
 *       is refused, exit 2; standard output or input counts as the file behind it ({@link #refuseInputs}).
 * </ul>
 * Temporary files not yet renamed are listed, so that a second SIGINT/SIGTERM ({@link StopSignals}) can remove
 * them before the process halts.
 */
final class OutputFile implements AutoCloseable {

    /** how many symbolic links are followed before giving up, as Linux's MAXSYMLINKS (fs/namei.c) */
    static final int MAX_LINKS = 40;

    /** the temporary files being written, removed by {@link #deleteTemporaryFiles} */
    private static final Set<Path> TEMPORARY = ConcurrentHashMap.newKeySet();

    /** the file behind standard output and standard input (the kernel's /proc/self/fd/1 and 0) */
    static final Path STANDARD_OUTPUT = Path.of("/dev/stdout");
    static final Path STANDARD_INPUT = Path.of("/dev/stdin");

    /** open(2)'s access mode bits and stat(2)'s file type bits (Linux, asm-generic/fcntl.h and stat.h) */
    private static final int O_ACCMODE = 3;
    private static final int O_RDONLY = 0;
    /** file types of stat(2)'s st_mode */
    static final int S_IFMT = 0170000;
    static final int S_IFCHR = 0020000;
    static final int S_IFIFO = 0010000;
    static final int S_IFSOCK = 0140000;

    /** mode of a new output: 0644, less what the umask takes away (open(2) applies it) */
    private static final FileAttribute<?> SHAREABLE = PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rw-r--r--"));

    /** the path as given, for messages */
    private final String name;
    private final OutputStream stream;
    /** the file the temporary one is renamed to, or null when written in place or to standard output */
    private final Path target;
    private final Path temp;
    private boolean committed;
    private boolean closed;

    private OutputFile(String name, OutputStream stream, Path target, Path temp) {
        this.name = name;
        this.stream = new Named(stream, name);
        this.target = target;
        this.temp = temp;
        if (temp != null) {
            TEMPORARY.add(temp);
        }
    }

    /** true for {@code -}, standard output */
    static boolean isStdout(Path path) {
        return path != null && path.toString().equals("-");
    }

    /**
     * Opens the output {@code path} names, refusing one that is an input.
     *
     * @param option the option that named it ({@code -o}, {@code -w}), for messages
     * @throws UserError exit 2 when the output is an input, exit 11 when it cannot be opened
     */
    static OutputFile open(String option, Path path, List<Path> inputs) {
        refuseInputs(option, path, inputs);
        if (isStdout(path)) {
            return new OutputFile("standard output", new KeepOpen(new FileOutputStream(FileDescriptor.out)), null, null);
        }
        String name = path.toString();
        try {
            Path file = followLinks(path.toAbsolutePath());
            boolean openFile = isProcLink(file);
            if (openFile) {
                requireOpenForWriting(file);
            } else if (file.getParent() != null && onProc(file)) {
                // not a link in /proc: a descriptor not open (/dev/fd/7), or /proc's own files (mem, sys/...)
                throw new IOException(isDescriptor(file) ? "file descriptor " + file.getFileName()
                        + " is not open (give one, e.g. " + file.getFileName() + ">FILE)" : "/proc holds no files to write");
            }
            BasicFileAttributes attrs = openFile ? null : attributes(file);
            if (openFile || attrs != null && attrs.isOther()) {
                // a device, FIFO or socket, or an open file behind /proc: the path itself, written in place
                OutputStream in = Files.newOutputStream(path, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
                return new OutputFile(name, in, null, null);
            }
            if (attrs != null && attrs.isDirectory()) {
                throw new UserError(ExitCode.OUTPUT_ERROR, "cannot write " + name + ": it is a folder; name a file in it");
            }
            Path temp = createTemporary(file);
            try {
                return new OutputFile(name, Channels.newOutputStream(Files.newByteChannel(temp,
                        EnumSet.of(StandardOpenOption.WRITE))), file, temp);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(temp);
                throw e;
            }
        } catch (IOException e) {
            throw new UserError(ExitCode.OUTPUT_ERROR, "cannot write " + name + ": " + Output.reason(e));
        }
    }

    /**
     * exit 2 when {@code path} is the same file as one of {@code inputs} (links and other spellings count). {@code -}
     * on either side is the file behind standard output or input, when that is a regular file: {@code analyze -
     * -o x.pcap < x.pcap} and {@code analyze x.pcap >> x.pcap} would replace or grow the capture (GNU cat refuses
     * the same: "input file is output file").
     *
     * @param path the output, {@code -} (or null) for standard output
     */
    static void refuseInputs(String option, Path path, List<Path> inputs) {
        if (inputs == null) {
            return;
        }
        boolean toStdout = path == null || isStdout(path);
        Path out = toStdout ? STANDARD_OUTPUT : path;
        if (toStdout && !Files.isRegularFile(out)) {
            return;   // a terminal, a pipe, a socket (inetd gives one socket as both 0 and 1): no capture is harmed
        }
        for (Path input : inputs) {
            Path in = isStdout(input) ? STANDARD_INPUT : input;
            if (sameFile(out, in)) {
                String what = toStdout ? "standard output" : option + " " + path;
                String which = isStdout(input) ? "standard input" : input.toString();
                throw new UserError(ExitCode.USAGE, what + " is also an input file" + (!toStdout && path.toString()
                        .equals(input.toString()) ? "" : " (" + which + ")")
                        + ": tcplens never overwrites a capture; choose another output name");
            }
        }
    }

    /**
     * True when {@code path} names the file standard output writes to and that is not a character device: {@code -},
     * or {@code /dev/stdout}, {@code /dev/fd/1} or a link to them when standard output is a pipe, a FIFO, a socket or
     * a file, whose bytes are data another program reads (a terminal or {@code /dev/null} is left to the user).
     */
    static boolean namesStandardOutput(Path path) {
        if (path == null || isStdout(path)) {
            return true;
        }
        return sameFile(path, STANDARD_OUTPUT) && fileType(STANDARD_OUTPUT) != S_IFCHR;
    }

    /** the file type of what {@code path} leads to (stat(2): {@code st_mode & S_IFMT}), or -1 when that cannot be told */
    static int fileType(Path path) {
        try {
            return Files.getAttribute(path, "unix:mode") instanceof Integer m ? m & S_IFMT : -1;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | SecurityException e) {
            return -1;
        }
    }

    /**
     * exit 2 when two outputs of one run ({@code capture -o} and {@code -w}) name the same file: the second
     * renamed into place would replace the first. Devices and FIFOs written in place are left to the user.
     */
    static void refuseSameOutput(String optionA, Path a, String optionB, Path b) {
        if (a == null || b == null || isStdout(a) || isStdout(b)) {
            return;
        }
        if (sameFile(a, b) || Objects.equals(resolved(a), resolved(b))) {
            throw new UserError(ExitCode.USAGE, optionA + " " + a + " and " + optionB + " " + b
                    + " name the same file: give each output its own name");
        }
    }

    /** the file a path names once its links and its folder's are resolved, or null when that cannot be told */
    private static Path resolved(Path path) {
        try {
            Path p = followLinks(path);
            if (isProcLink(p)) {
                return null;
            }
            Path abs = p.toAbsolutePath();
            Path folder = abs.getParent();
            return folder == null || abs.getFileName() == null ? abs : folder.toRealPath().resolve(abs.getFileName());
        } catch (IOException | SecurityException e) {
            return null;
        }
    }

    /** true if both name the same existing file (same device and inode: a symbolic or hard link counts) */
    static boolean sameFile(Path a, Path b) {
        try {
            return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    /**
     * The file {@code path} names once every symbolic link is followed (it may not exist: a dangling link names
     * the file to create), or the first link in /proc met ({@link #isProcLink}): that one names an open file, not
     * a path.
     */
    static Path followLinks(Path path) throws IOException {
        Path p = path;
        for (int links = 0; Files.isSymbolicLink(p); links++) {
            if (links == MAX_LINKS) {
                throw new IOException("more than " + MAX_LINKS + " symbolic links (a loop?)");
            }
            if (onProc(p)) {
                return p;
            }
            Path to = Files.readSymbolicLink(p);
            // not normalized: "a/../b" with a a link is for the kernel to resolve, not for a string operation
            p = to.isAbsolute() ? to : p.resolveSibling(to);
        }
        return p;
    }

    /** true for a link in /proc, where {@link #followLinks} stops */
    static boolean isProcLink(Path p) {
        return Files.isSymbolicLink(p) && onProc(p);
    }

    /**
     * A /proc link is opened in place only when it is a file descriptor open for writing. Opening
     * {@code /proc/PID/fd/N} opens the file anew with the access asked for (proc(5)), whatever the descriptor
     * allows, so a descriptor open only for reading would be written through: {@code -o /dev/fd/4} appended the
     * report to tcplens.jar (the JVM holds it open for reading), {@code -o /dev/fd/3} to the JDK's lib/modules,
     * {@code -o /dev/stdout} with standard output closed ({@code >&-}) to whatever file the JVM opened first as
     * descriptor 1. Its access mode is the {@code flags:} line of {@code /proc/PID/fdinfo/N} (proc(5), octal).
     * Other /proc links ({@code exe}, {@code cwd}, {@code map_files/…}) are not outputs.
     *
     * @throws IOException saying why the link is not written
     */
    private static void requireOpenForWriting(Path link) throws IOException {
        if (!isDescriptor(link)) {
            throw new IOException(link + " is not a file descriptor (only /proc/PID/fd/N is written in place)");
        }
        String fd = link.getFileName().toString();
        List<String> info;
        try {
            // the folder's real path: /dev/fd/N is /proc/self/fd/N, whose fdinfo is /proc/PID/fdinfo/N
            info = Files.readAllLines(link.getParent().toRealPath().resolveSibling("fdinfo").resolve(fd));
        } catch (NoSuchFileException e) {
            throw new IOException("file descriptor " + fd + " is not open (give one, e.g. " + fd + ">FILE)", e);
        } catch (IOException e) {
            return;   // another user's process: opening the link decides
        }
        for (String line : info) {
            if (line.startsWith("flags:")) {
                int flags = Integer.parseInt(line.substring(6).trim(), 8);
                if ((flags & O_ACCMODE) == O_RDONLY) {
                    throw new IOException("file descriptor " + fd + " is open only for reading"
                            + (fd.equals("1") ? " (standard output is closed?)" : "")
                            + ": give one open for writing, e.g. " + fd + ">FILE");
                }
                return;
            }
        }
    }

    /** true for a path …/fd/N on /proc (a descriptor N of a process), reached also as /dev/fd/N */
    private static boolean isDescriptor(Path p) {
        Path folder = p.getParent();
        Path name = p.getFileName();
        if (folder == null || name == null || !name.toString().chars().allMatch(Character::isDigit)) {
            return false;
        }
        try {
            Path real = folder.toRealPath();
            return real.getFileName() != null && real.getFileName().toString().equals("fd");
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    /** procfs links (/proc/PID/fd/N, what /dev/stdout leads to) are "magic": they name an open file, not a path */
    private static boolean onProc(Path link) {
        Path folder = link.getParent();
        try {
            return folder != null && Files.getFileStore(folder).type().equals("proc");
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    private static BasicFileAttributes attributes(Path file) throws IOException {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /**
     * A new empty file next to {@code file}, created with mode 0644 under the umask (createTempFile would make it
     * 0600: a capture written as root could not be opened by Wireshark running as the user).
     */
    private static Path createTemporary(Path file) throws IOException {
        Path folder = file.getParent();
        String base = file.getFileName().toString();
        if (base.length() > 100) {
            base = base.substring(0, 100);   // the temporary name stays within NAME_MAX (255 bytes)
        }
        for (int attempt = 0; ; attempt++) {
            Path temp = folder.resolve("." + base + "." + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36)
                    + ".part");
            try {
                try {
                    Files.newByteChannel(temp, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                            SHAREABLE).close();
                } catch (UnsupportedOperationException notPosix) {
                    Files.newByteChannel(temp, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)).close();
                }
                return temp;
            } catch (FileAlreadyExistsException e) {
                if (attempt == 100) {
                    throw e;
                }
            } catch (NoSuchFileException e) {
                throw new IOException("there is no folder " + folder + " (create it first)", e);
            } catch (AccessDeniedException e) {
                throw new IOException("no permission to create a file in " + folder, e);
            }
        }
    }

    /** the output's bytes (not buffered) */
    OutputStream stream() {
        return stream;
    }

    /** the output as given ({@code standard output} for {@code -}), for messages */
    String name() {
        return name;
    }

    /** Flushes and closes the output and, for a regular file, renames it into place. */
    void commit() {
        try {
            closed = true;
            stream.close();   // the last bytes: an error names the output
        } catch (IOException e) {
            throw new UserError(ExitCode.OUTPUT_ERROR, "cannot write " + Output.reason(e));
        }
        try {
            if (temp != null) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                TEMPORARY.remove(temp);
            }
            committed = true;
        } catch (IOException e) {
            throw new UserError(ExitCode.OUTPUT_ERROR, "cannot write " + name + ": " + Output.reason(e));
        }
    }

    /** Without {@link #commit}: closes the output and removes the temporary file, leaving the old one as it was. */
    @Override
    public void close() {
        if (committed) {
            return;
        }
        if (!closed) {
            closed = true;
            try {
                stream.close();
            } catch (IOException ignored) {
                // the output is given up
            }
        }
        if (temp != null) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // nothing more to do
            }
            TEMPORARY.remove(temp);
        }
    }

    /**
     * Removes every temporary output file not yet renamed, and the report's spill files (a second signal,
     * just before the process halts).
     */
    static void deleteTemporaryFiles() {
        io.tcplens.cli.render.SpillFiles.deleteAll();
        for (Path temp : TEMPORARY) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException | RuntimeException ignored) {
                // the process ends next; nothing more can be done
            }
        }
    }

    /** the output's stream, whose errors name the output ("/dev/full: No space left on device") */
    private static final class Named extends FilterOutputStream {
        private final String name;

        Named(OutputStream out, String name) {
            super(out);
            this.name = name;
        }

        @Override
        public void write(int b) throws IOException {
            try {
                out.write(b);
            } catch (IOException e) {
                throw named(e);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw named(e);
            }
        }

        @Override
        public void flush() throws IOException {
            try {
                out.flush();
            } catch (IOException e) {
                throw named(e);
            }
        }

        @Override
        public void close() throws IOException {
            try {
                out.close();
            } catch (IOException e) {
                throw named(e);
            }
        }

        private IOException named(IOException e) {
            return new IOException(name + ": " + Output.reason(e), e);
        }
    }

    /** standard output, which closing the output must not close (the process still prints on it) */
    private static final class KeepOpen extends FilterOutputStream {
        KeepOpen(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
