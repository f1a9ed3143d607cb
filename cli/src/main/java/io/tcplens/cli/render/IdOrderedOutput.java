package io.tcplens.cli.render;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Puts the text of a line-based report (jsonl, csv, zeek, text) into order of session id, holding
 * text, not session records.
 *
 * <p>Why: a session's id is the order of its first packet, but sessions end in any order, and a SYN
 * that is never answered stays open until the idle timeout (300 s by default) while thousands of
 * later sessions end. Holding those records until their turn made memory grow with the capture. Here
 * each session is rendered the moment it ends, into a reusable buffer ({@link #begin}, the sink writes
 * into {@link #writer()}, {@link #end}) and encoded once, as UTF-8, into the bytes the report is made
 * of; they go straight out if the id is the next one due (then any held text that is now due follows,
 * in id order), otherwise they are held:
 * <ul>
 *   <li>in memory while the held bytes total less than the budget ({@link #DEFAULT_BUDGET} bytes,
 *       16 MiB; system property {@code tcplens.reorder.budget}, read once);
 *   <li>beyond it, appended to one temporary spill file (created when first needed in
 *       {@code java.io.tmpdir}, deleted by {@link #close} and on exit), read back with a positional
 *       read when due and written out as they are. The file only grows: a run's held text is
 *       written to it once.
 * </ul>
 * The held texts are indexed by {@code id - next} in a ring of primitive arrays (offset, length; the
 * in-memory texts as byte arrays) of at most {@link #DEFAULT_INDEX_SLOTS} ids, ~20 bytes each. A
 * session that ends further ahead of the oldest one still open (one long session, millions of short
 * ones behind it) has its text spilled and its entry (offset, length: {@link #ENTRY} bytes) written
 * at {@code (id - base) * 12} in a second temporary file, the spilled index, through a cache of two
 * blocks; as the oldest session ends and the ring moves on, entries come back from that file in id
 * order, one per id. So memory is bounded by the two budgets whatever the number of sessions waiting
 * (it used to grow ~16 bytes per id: 4.3 M sessions behind one ran out of a 256 MiB heap). Nothing is
 * encoded or decoded twice: held and spilled text is the output's own bytes.
 *
 * <p>A session that is filtered out still calls {@link #begin}/{@link #end} and leaves an empty text:
 * the order advances past it. What the sink writes outside a session keeps its place: text written
 * before any session (headers written when the sink is made) is held back until the first non-empty
 * session text goes out or {@link #finish} (so a run that fails early writes nothing, as before);
 * text written after {@link #finish} (footers) goes straight out.
 */
public final class IdOrderedOutput implements Closeable {

    /** what may be held in memory, in bytes, unless {@code -Dtcplens.reorder.budget=N} says otherwise */
    public static final long DEFAULT_BUDGET = Long.getLong("tcplens.reorder.budget", 16L << 20);
    /** ids indexed in memory (a power of two): 2^18, ~5 MiB of ring */
    public static final int DEFAULT_INDEX_SLOTS = 1 << 18;
    /** bytes of a spilled index entry: the text's offset in the spill file (8), its length + 1 (4; 0: no text) */
    static final int ENTRY = 12;
    /** bytes of a ring slot: the text's reference, offset and length (a reference counted as 8) */
    private static final int SLOT_BYTES = 8 + 8 + 4;

    private static final int ABSENT = -1;
    private static final long IN_MEMORY = -1;
    private static final int IO_BUFFER = 1 << 16;

    private final OutputStream out;
    private final long budget;
    /** written between two texts that are not empty (the HTML page's rows are array elements); null: nothing */
    private final byte[] separator;
    private boolean anyText;
    private final ChunkWriter writer = new ChunkWriter();

    // the ring of held texts: slot (head + id - next) & (capacity - 1), for ids below limit
    private long next;
    private int head;
    private byte[][] memory;
    private long[] offset;
    private int[] length;
    private long held;
    private long heldBytes;
    private final int maxSlots;
    /** ids from here on that ended are in the spilled index (if farMax >= limit), not in the ring */
    private long limit;
    /** the highest id whose entry was written to the spilled index (-1: none) */
    private long farMax = -1;

    // the spilled index, made when first needed: entry of id at (id - indexBase) * ENTRY
    private Path indexPath;
    private FileChannel index;
    private long indexBase;
    private final int blockEntries;
    private final ByteBuffer[] blocks = new ByteBuffer[2];
    private final long[] blockNumber = {-1, -1};
    private final boolean[] blockDirty = new boolean[2];
    private int lastBlock;
    private long indexReads;
    private long indexWrites;

    // the text of the session being rendered (between begin and end); -1 outside a session
    private long current = -1;
    private char[] chunk = new char[8192];
    private int chunkLength;
    // its UTF-8 bytes
    private byte[] bytes = new byte[8192];

    // text written before the first session's text went out
    private StringBuilder preamble = new StringBuilder();

    // the spill file, made when first needed
    private Path spillPath;
    private FileChannel spill;
    private long spillSize;            // bytes written to the file or waiting in spillOut
    private long spillFlushed;         // bytes written to the file
    private ByteBuffer spillOut;
    private ByteBuffer spillIn;

    /** @param out where the report's bytes go, UTF-8 */
    public IdOrderedOutput(OutputStream out) {
        this(out, DEFAULT_BUDGET);
    }

    /** @param budget bytes of held text kept in memory before the spill file is used */
    public IdOrderedOutput(OutputStream out, long budget) {
        this(out, budget, null);
    }

    /** @param separator written between two session texts that are not empty, in id order (null: nothing) */
    public IdOrderedOutput(OutputStream out, long budget, String separator) {
        this(out, budget, separator, DEFAULT_INDEX_SLOTS);
    }

    /** @param maxSlots ids indexed in memory (a power of two); entries further ahead go to the spilled index */
    IdOrderedOutput(OutputStream out, long budget, String separator, int maxSlots) {
        if (maxSlots < 1 || Integer.bitCount(maxSlots) != 1 || maxSlots > 1 << 30) {
            throw new IllegalArgumentException("maxSlots must be a power of two up to 2^30: " + maxSlots);
        }
        this.out = out;
        this.budget = budget;
        this.separator = separator == null ? null : separator.getBytes(StandardCharsets.UTF_8);
        this.maxSlots = maxSlots;
        this.blockEntries = Math.min(1024, maxSlots);
        int capacity = Math.min(1024, maxSlots);
        memory = new byte[capacity][];
        offset = new long[capacity];
        length = new int[capacity];
        Arrays.fill(length, ABSENT);
        limit = capacity;
    }

    /** what the sink writes into */
    public Writer writer() {
        return writer;
    }

    /** the sink is about to render session {@code id}: what it writes until {@link #end} is that session's text */
    public void begin(long id) {
        if (current >= 0) {
            throw new IllegalStateException("session " + current + " not ended");
        }
        if (id < next) {
            throw new IllegalArgumentException("session " + id + " already written");
        }
        current = id;
        chunkLength = 0;
    }

    /** the session's text is complete: written out if it is due, else held */
    public void end() throws IOException {
        long id = current;
        if (id < 0) {
            throw new IllegalStateException("no session begun");
        }
        current = -1;
        int n = encode(chunk, chunkLength);
        if (id == next) {
            emit(bytes, n);
            advance();
            release();
            return;
        }
        if (id >= limit && !inRing(id)) {
            if (id <= farMax && readEntry(id) != ABSENT) {
                throw new IllegalArgumentException("session " + id + " written twice");
            }
            writeEntry(id, n == 0 ? 0 : spill(bytes, n), n);
            held++;
            return;
        }
        int slot = slot(id);
        if (length[slot] != ABSENT) {
            throw new IllegalArgumentException("session " + id + " written twice");
        }
        if (n == 0) {
            memory[slot] = EMPTY;
            offset[slot] = IN_MEMORY;
            length[slot] = 0;
        } else if (heldBytes + n <= budget) {
            memory[slot] = Arrays.copyOf(bytes, n);
            offset[slot] = IN_MEMORY;
            length[slot] = n;
            heldBytes += n;
        } else {
            offset[slot] = spill(bytes, n);
            length[slot] = n;
        }
        held++;
    }

    /** the text of session {@code id} (for tests and callers that render elsewhere) */
    public void offer(long id, CharSequence text) throws IOException {
        begin(id);
        writer.append(text);
        end();
    }

    /**
     * No more sessions: writes what is still held, in id order (nothing, when every id from 0 up
     * was rendered), and the text written before the first session. Later writes go straight out.
     */
    public void finish() throws IOException {
        while (held > 0) {
            if (length[head] != ABSENT) {
                release();
            } else {
                advance();   // an id that never came: skip it
            }
        }
        writePreamble();
    }

    /** sessions whose text is held, waiting for an older one to end */
    public long held() {
        return held;
    }

    /**
     * Bytes held in memory for the texts waiting: their text within the budget, the ring of index
     * entries and the spilled index's two cached blocks (not the buffers of the text being written).
     */
    public long heldInMemory() {
        long blockBytes = 0;
        for (ByteBuffer b : blocks) {
            blockBytes += b == null ? 0 : b.capacity();
        }
        return heldBytes + (long) memory.length * SLOT_BYTES + blockBytes;
    }

    /** entries written to the spilled index, and read back from it into the ring (blocks cached) */
    long indexWrites() {
        return indexWrites;
    }

    long indexReads() {
        return indexReads;
    }

    /** ids the ring indexes in memory now */
    int slots() {
        return memory.length;
    }

    /** bytes written to the spill file so far (0 if it was never needed) */
    public long spilledBytes() {
        return spillSize;
    }

    /** the spill file, or null if none was needed (yet) */
    Path spillFile() {
        return spillPath;
    }

    /** the spilled index, or null if none was needed (yet) */
    Path indexFile() {
        return indexPath;
    }

    /** deletes the spill file and the spilled index; does not close the output */
    @Override
    public void close() throws IOException {
        try {
            spill = SpillFiles.close(spill, spillPath);
        } finally {
            index = SpillFiles.close(index, indexPath);
        }
    }

    // ---------------------------------------------------------------------------------------------

    private static final byte[] EMPTY = {};

    /**
     * UTF-8 encodes {@code text[0, len)} into {@link #bytes}; returns the number of bytes. The bytes
     * OutputStreamWriter writes (a surrogate pair is one 4-byte character, a lone surrogate '?'),
     * in one loop: the JDK's encoder leaves its ASCII fast path for good at the first other character,
     * and the text report has arrows on most lines.
     */
    private int encode(char[] text, int len) {
        if (bytes.length < 3L * len) {   // at most 3 bytes a char (a surrogate pair: 4 bytes for 2)
            bytes = new byte[(int) Math.min(Integer.MAX_VALUE - 8, Math.max(3L * len, 2L * bytes.length))];
        }
        byte[] b = bytes;
        int p = 0;
        for (int i = 0; i < len; i++) {
            char c = text[i];
            if (c < 0x80) {
                b[p++] = (byte) c;
            } else if (c < 0x800) {
                b[p++] = (byte) (0xC0 | c >> 6);
                b[p++] = (byte) (0x80 | c & 0x3F);
            } else if (!Character.isSurrogate(c)) {
                b[p++] = (byte) (0xE0 | c >> 12);
                b[p++] = (byte) (0x80 | c >> 6 & 0x3F);
                b[p++] = (byte) (0x80 | c & 0x3F);
            } else if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(text[i + 1])) {
                int cp = Character.toCodePoint(c, text[++i]);
                b[p++] = (byte) (0xF0 | cp >> 18);
                b[p++] = (byte) (0x80 | cp >> 12 & 0x3F);
                b[p++] = (byte) (0x80 | cp >> 6 & 0x3F);
                b[p++] = (byte) (0x80 | cp & 0x3F);
            } else {
                b[p++] = '?';
            }
        }
        return p;
    }

    /** UTF-8 bytes of text written outside a session (headers, footers) */
    private byte[] encode(CharSequence text) {
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * For an id at or beyond {@link #limit}: true if the ring can take it (growing up to maxSlots and
     * moving the limit on), false if its entry goes to the spilled index. The ring can take it only
     * while the spilled index holds nothing from the limit on, so that every id has one place.
     */
    private boolean inRing(long id) {
        long ahead = id - next;
        if (farMax >= limit) {
            return false;
        }
        if (ahead >= memory.length && memory.length < maxSlots) {
            grow(Math.min(ahead, maxSlots - 1));
        }
        limit = next + memory.length;
        return ahead < memory.length;
    }

    private int slot(long id) {
        return (int) ((head + id - next) & (memory.length - 1));
    }

    private void grow(long ahead) {
        int capacity = memory.length;
        int bigger = Integer.highestOneBit((int) ahead) << 1;
        byte[][] m = new byte[bigger][];
        long[] o = new long[bigger];
        int[] l = new int[bigger];
        Arrays.fill(l, ABSENT);
        int tail = capacity - head;
        System.arraycopy(memory, head, m, 0, tail);
        System.arraycopy(memory, 0, m, tail, head);
        System.arraycopy(offset, head, o, 0, tail);
        System.arraycopy(offset, 0, o, tail, head);
        System.arraycopy(length, head, l, 0, tail);
        System.arraycopy(length, 0, l, tail, head);
        memory = m;
        offset = o;
        length = l;
        head = 0;
    }

    /**
     * The oldest id moves on by one; while the spilled index holds entries from the limit on, the
     * freed slot takes the next one's (the ring then always covers {@code [next, next + capacity)}).
     */
    private void advance() throws IOException {
        next++;
        head = (head + 1) & (memory.length - 1);
        if (farMax >= limit) {
            long id = limit++;
            int slot = slot(id);
            int len = readEntry(id);
            if (len != ABSENT) {
                indexReads++;
                length[slot] = len;
                if (len == 0) {
                    memory[slot] = EMPTY;
                    offset[slot] = IN_MEMORY;
                } else {
                    offset[slot] = entryOffset;
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // the spilled index

    /** the offset of the entry {@link #readEntry} read last */
    private long entryOffset;

    /** writes the entry of {@code id} (beyond the ring): its text at {@code at} in the spill file, {@code len} bytes */
    private void writeEntry(long id, long at, int len) throws IOException {
        if (farMax < limit) {
            // nothing from the limit on is in the file: what it holds is consumed; start it again
            // when that is more than the ring (an index kept busy by one session only grows)
            if (index != null && (limit - indexBase) >= maxSlots) {
                index.truncate(0);
                Arrays.fill(blockNumber, -1);
                Arrays.fill(blockDirty, false);
                indexBase = limit;
            } else if (index == null) {
                indexBase = limit;
            }
        }
        ByteBuffer b = block(id);
        int at12 = (int) ((id - indexBase) % blockEntries) * ENTRY;
        b.putLong(at12, at);
        b.putInt(at12 + 8, len + 1);
        blockDirty[lastBlock] = true;
        farMax = Math.max(farMax, id);
        indexWrites++;
    }

    /** the length of the text of {@code id} (its offset in {@link #entryOffset}), or ABSENT */
    private int readEntry(long id) throws IOException {
        if (id < indexBase || id > farMax) {
            return ABSENT;
        }
        ByteBuffer b = block(id);
        int at12 = (int) ((id - indexBase) % blockEntries) * ENTRY;
        entryOffset = b.getLong(at12);
        return b.getInt(at12 + 8) - 1;
    }

    /** the cached block holding the entry of {@code id}; the other, least recently used, is written back */
    private ByteBuffer block(long id) throws IOException {
        if (index == null) {
            indexPath = createTemp(".index");
            index = FileChannel.open(indexPath, StandardOpenOption.READ, StandardOpenOption.WRITE);
        }
        long number = (id - indexBase) / blockEntries;
        for (int k = 0; k < 2; k++) {
            if (blockNumber[k] == number) {
                lastBlock = k;
                return blocks[k];
            }
        }
        int k = 1 - lastBlock;
        int bytes = blockEntries * ENTRY;
        if (blocks[k] == null) {
            blocks[k] = ByteBuffer.allocate(bytes);
        }
        ByteBuffer b = blocks[k];
        if (blockDirty[k]) {
            b.clear();
            while (b.hasRemaining()) {
                index.write(b, blockNumber[k] * bytes + b.position());
            }
            blockDirty[k] = false;
        }
        b.clear();
        while (b.hasRemaining() && index.read(b, number * bytes + b.position()) >= 0) {
            // a block not written yet reads as zeros, past the end as nothing
        }
        while (b.hasRemaining()) {
            b.put((byte) 0);
        }
        blockNumber[k] = number;
        lastBlock = k;
        return b;
    }

    /** writes the held texts that are due, from {@code next} up to the first id not yet ended */
    private void release() throws IOException {
        while (length[head] != ABSENT) {
            int len = length[head];
            if (offset[head] == IN_MEMORY) {
                emit(memory[head], len);
                heldBytes -= len;
                memory[head] = null;
            } else {
                unspill(offset[head], len);
            }
            length[head] = ABSENT;
            held--;
            advance();
        }
    }

    /** writes a session's text that is due (after the preamble, and the separator if one came before) */
    private void emit(byte[] text, int len) throws IOException {
        if (len > 0) {
            writePreamble();
            if (separator != null && anyText) {
                out.write(separator);
            }
            anyText = true;
            out.write(text, 0, len);
        }
    }

    private void writePreamble() throws IOException {
        if (preamble != null) {
            StringBuilder p = preamble;
            preamble = null;
            out.write(encode(p));
        }
    }

    /** Appends the bytes to the spill file (through a buffer); returns where they start in it. */
    private long spill(byte[] text, int len) throws IOException {
        if (spill == null) {
            spillPath = createTemp(".spill");
            spill = FileChannel.open(spillPath, StandardOpenOption.READ, StandardOpenOption.WRITE);
            spillOut = ByteBuffer.allocate(IO_BUFFER);
        }
        long at = spillSize;
        for (int done = 0; done < len; ) {
            if (!spillOut.hasRemaining()) {
                flushSpill();
            }
            int n = Math.min(len - done, spillOut.remaining());
            spillOut.put(text, done, n);
            done += n;
        }
        spillSize = spillFlushed + spillOut.position();
        return at;
    }

    /** a temporary file, deleted at exit if {@link #close} does not get to it */
    private static Path createTemp(String suffix) throws IOException {
        return SpillFiles.create("tcplens-reorder-", suffix, "sessions waiting for an older one");
    }

    private void flushSpill() throws IOException {
        spillOut.flip();
        while (spillOut.hasRemaining()) {
            spillFlushed += spill.write(spillOut, spillFlushed);
        }
        spillOut.clear();
    }

    /** reads the {@code len} bytes of a held text back from the spill file and writes them out */
    private void unspill(long at, int len) throws IOException {
        if (len == 0) {
            return;
        }
        if (at + len > spillFlushed) {
            flushSpill();
        }
        if (spillIn == null || spillIn.capacity() < len) {
            spillIn = ByteBuffer.allocate(Math.max(len, IO_BUFFER));
        }
        spillIn.clear().limit(len);
        while (spillIn.hasRemaining()) {
            if (spill.read(spillIn, at + spillIn.position()) < 0) {
                throw new IOException("spill file " + spillPath + " ends before its held text");
            }
        }
        emit(spillIn.array(), len);
    }

    /** The sink's writer: inside a session, into that session's text; outside, to the output in place. */
    private final class ChunkWriter extends Writer {

        private void room(int more) {
            int need = chunkLength + more;
            if (need > chunk.length) {
                chunk = Arrays.copyOf(chunk, Math.max(need, chunk.length * 2));
            }
        }

        @Override
        public void write(int c) throws IOException {
            if (current >= 0) {
                room(1);
                chunk[chunkLength++] = (char) c;
            } else {
                outside().append((char) c);
            }
        }

        @Override
        public void write(char[] cbuf, int off, int len) throws IOException {
            if (current >= 0) {
                room(len);
                System.arraycopy(cbuf, off, chunk, chunkLength, len);
                chunkLength += len;
            } else {
                outside().write(cbuf, off, len);
            }
        }

        @Override
        public void write(String str, int off, int len) throws IOException {
            if (current >= 0) {
                room(len);
                str.getChars(off, off + len, chunk, chunkLength);
                chunkLength += len;
            } else {
                outside().write(str, off, len);
            }
        }

        @Override
        public Writer append(CharSequence csq) throws IOException {
            String s = String.valueOf(csq);
            write(s, 0, s.length());
            return this;
        }

        /** outside a session: before any session text, into the preamble; after, to the output */
        private Writer outside() {
            if (preamble != null) {
                return preambleWriter;
            }
            if (held > 0) {
                throw new IllegalStateException("text written outside a session while sessions are held");
            }
            return afterWriter;
        }

        /** text after the sessions (footers), encoded write by write; a pair's high surrogate waits for its mate */
        private final Writer afterWriter = new Writer() {
            private char high;

            @Override
            public void write(char[] cbuf, int off, int len) throws IOException {
                write(new String(cbuf, off, len), 0, len);
            }

            @Override
            public void write(String str, int off, int len) throws IOException {
                String text = (high != 0 ? String.valueOf(high) : "") + str.substring(off, off + len);
                high = 0;
                if (!text.isEmpty() && Character.isHighSurrogate(text.charAt(text.length() - 1))) {
                    high = text.charAt(text.length() - 1);
                    text = text.substring(0, text.length() - 1);
                }
                out.write(encode(text));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };

        private final Writer preambleWriter = new Writer() {
            @Override
            public void write(char[] cbuf, int off, int len) {
                preamble.append(cbuf, off, len);
            }

            @Override
            public void write(String str, int off, int len) {
                preamble.append(str, off, off + len);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };

        @Override
        public void flush() throws IOException {
            if (current < 0 && preamble == null) {
                out.flush();
            }
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
