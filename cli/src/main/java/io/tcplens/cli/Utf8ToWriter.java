package io.tcplens.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * UTF-8 bytes written as text to a {@link Writer}: a report rendered as bytes shown on a standard
 * output that is a writer (one given to {@link Main#run} by a test or an embedding program, or a
 * platform charset other than UTF-8). A character split over two writes is decoded once whole.
 */
final class Utf8ToWriter extends OutputStream {

    private final Writer out;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
    private final CharBuffer chars = CharBuffer.allocate(8192);
    private final byte[] partial = new byte[4];   // the start of a character the next write completes
    private int partialLength;

    Utf8ToWriter(Writer out) {
        this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        ByteBuffer in;
        if (partialLength > 0) {
            byte[] joined = new byte[partialLength + len];
            System.arraycopy(partial, 0, joined, 0, partialLength);
            System.arraycopy(b, off, joined, partialLength, len);
            in = ByteBuffer.wrap(joined);
            partialLength = 0;
        } else {
            in = ByteBuffer.wrap(b, off, len);
        }
        while (true) {
            CoderResult r = decoder.decode(in, chars, false);
            out.write(chars.array(), 0, chars.position());
            chars.clear();
            if (r.isUnderflow()) {
                break;
            }
        }
        partialLength = in.remaining();   // fewer than 4 bytes: an incomplete character
        in.get(partial, 0, partialLength);
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }
}
