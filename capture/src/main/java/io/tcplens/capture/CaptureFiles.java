package io.tcplens.capture;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.BooleanSupplier;

/** Opens capture files: sniffs the magic number and picks the reader. */
public final class CaptureFiles {

    /** Which implementation reads the file. */
    public enum Reader {
        /** the pure-Java readers of this package */
        BUILTIN,
        /** libpcap through pcap4j */
        LIBPCAP
    }

    private CaptureFiles() {
    }

    /**
     * Standard input, as in {@code tcpdump -r -}: {@code tcpdump -w - | tcplens analyze -}. A file
     * named "-" is read as {@code ./-}.
     */
    public static final Path STDIN = Path.of("-");

    /** how messages name an input: "standard input" for {@link #STDIN}, else the path as given */
    public static String name(Path path) {
        return STDIN.equals(path) ? "standard input" : path.toString();
    }

    /** true when {@code path} is read as a stream (standard input, a pipe, a FIFO, a device), not as a file */
    public static boolean isStream(Path path) {
        return STDIN.equals(path) || (Files.exists(path) && !Files.isRegularFile(path) && !Files.isDirectory(path));
    }

    /** Opens {@code path} with the built-in reader matching its magic (pcap or pcapng). */
    public static PacketSource open(Path path) throws CaptureException {
        return open(path, Reader.BUILTIN);
    }

    /** Opens {@code path} with the chosen reader; the magic is checked first either way. */
    public static PacketSource open(Path path, Reader reader) throws CaptureException {
        return open(path, reader, () -> false);
    }

    /**
     * Opens {@code path} ({@link #STDIN} for standard input) with the chosen reader. The file is opened
     * once and the magic read from the stream the reader then reads, so a pipe or FIFO loses nothing.
     * Opening a FIFO waits for a writer (fifo(7)); that wait, and every wait for bytes from a stream,
     * ends with a {@link CaptureException} (IO_ERROR) soon after {@code stop} turns true.
     */
    public static PacketSource open(Path path, Reader reader, BooleanSupplier stop) throws CaptureException {
        if (reader == Reader.LIBPCAP) {
            if (!isStream(path)) {
                sniff(path);   // the built-in messages for a file that is not a capture; libpcap opens it again
            }
            return LibpcapFileReader.open(path, stop);
        }
        FileInput in = input(path, stop);
        try {
            Format format = sniff(path, in);
            return format == Format.PCAPNG ? PcapngFileReader.open(path, in) : PcapFileReader.open(path, in);
        } catch (CaptureException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /** The capture file formats tcplens reads. */
    public enum Format {
        PCAP, PCAPNG
    }

    /**
     * Tells the format of {@code path} from its first 4 bytes.
     *
     * @throws CaptureException FILE_NOT_FOUND, IO_ERROR or NOT_A_CAPTURE with a message for a person
     */
    public static Format sniff(Path path) throws CaptureException {
        try (FileInput in = input(path, () -> false)) {
            return sniff(path, in);
        }
    }

    /** the format from the first 4 bytes of {@code in}, which stay unread (the reader reads them again) */
    private static Format sniff(Path path, FileInput in) throws CaptureException {
        try {
            in.ensure(4);
        } catch (IOException e) {
            throw ioError(path, e);
        }
        int n = in.available();
        if (n == 0) {
            throw new CaptureException(CaptureException.Reason.NOT_A_CAPTURE,
                    name(path) + " is empty (0 bytes), not a pcap or pcapng capture");
        }
        if (n < 4) {
            throw new CaptureException(CaptureException.Reason.NOT_A_CAPTURE, name(path) + " is only " + n
                    + " bytes long, too short for a pcap or pcapng capture");
        }
        int be = Bytes.i32(in.buf, in.pos, true);
        switch (be) {
            case 0xA1B2C3D4, 0xD4C3B2A1, 0xA1B23C4D, 0x4D3CB2A1:
                return Format.PCAP;
            case 0x0A0D0D0A:
                return Format.PCAPNG;
            default:
                throw new CaptureException(CaptureException.Reason.NOT_A_CAPTURE,
                        notACaptureMessage(path, in.buf, in.pos));
        }
    }

    /**
     * The input behind {@code path}: a regular file through its {@link FileChannel} (the readers' fast
     * paths read it directly); standard input, a pipe ({@code <(zcat big.pcap.gz)} names one) or a FIFO
     * through a {@link StreamChannel}.
     */
    static FileInput input(Path path, BooleanSupplier stop) throws CaptureException {
        ReadableByteChannel ch;
        if (STDIN.equals(path)) {
            ch = new StreamChannel(name(path), () -> System.in, stop);
        } else if (isStream(path)) {
            ch = new StreamChannel(name(path), () -> Files.newInputStream(path), stop);
        } else {
            ch = openChannel(path);
        }
        return new FileInput(ch, FileInput.DEFAULT_SIZE);
    }

    static String notACaptureMessage(Path path, byte[] b, int off) {
        int be = Bytes.i32(b, off, true);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            int c = b[off + i] & 0xFF;
            text.append(c >= 0x20 && c < 0x7F && c != '"' && c != '\\' ? (char) c : '.');
        }
        String hint;
        if ((be >>> 16) == 0x1F8B) {
            hint = "; it looks gzip-compressed: gunzip it first";
        } else if (be == 0xA1B2CD34 || be == 0x34CDB2A1) {
            hint = "; it is the modified (Kuznetzov) pcap format: convert it with editcap -F pcap";
        } else {
            hint = "";
        }
        return name(path) + " is not a pcap or pcapng capture (magic " + String.format("0x%08x", be)
                + " \"" + text + "\"); tcplens reads pcap (a1b2c3d4, a1b23c4d) and pcapng (0a0d0d0a)" + hint;
    }

    /**
     * Checks that {@code path} can be opened for reading, as {@link #open} would, without reading it:
     * a run of several inputs checks them all before it reads the first, so a missing or unreadable one
     * is found before any work is done (a stream is not opened here: that would wait for a FIFO's writer).
     *
     * @throws CaptureException FILE_NOT_FOUND or IO_ERROR, with the message {@link #open} gives
     */
    public static void checkReadable(Path path) throws CaptureException {
        if (isStream(path)) {
            return;
        }
        try (FileChannel ignored = openChannel(path)) {
            // opened: readable
        } catch (IOException e) {
            throw ioError(path, e);
        }
    }

    static FileChannel openChannel(Path path) throws CaptureException {
        if (Files.isDirectory(path)) {
            throw new CaptureException(CaptureException.Reason.IO_ERROR,
                    path + " is a directory, not a capture file");
        }
        try {
            return FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new CaptureException(CaptureException.Reason.FILE_NOT_FOUND, "no such file: " + path, e);
        } catch (AccessDeniedException e) {
            throw new CaptureException(CaptureException.Reason.IO_ERROR,
                    "cannot read " + path + ": permission denied", e);
        } catch (IOException e) {
            throw ioError(path, e);
        }
    }

    static CaptureException ioError(Path path, IOException e) {
        String why = e instanceof AccessDeniedException ? "permission denied" : e.getMessage();
        return new CaptureException(CaptureException.Reason.IO_ERROR, "cannot read " + name(path) + ": " + why, e);
    }
}
