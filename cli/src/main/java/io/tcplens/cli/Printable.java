package io.tcplens.cli;

/**
 * Text from outside (file and interface names, option values, libpcap's words) made safe to print on
 * a terminal as part of one message line: control characters are shown as escapes instead of acting
 * on the terminal (an ESC sequence recoloring it, a CR overwriting the line, a LF starting a line
 * that looks like tcplens's own).
 *
 * <p>The escapes are the ones GNU {@code ls -b} ({@code --quoting-style=escape}) and bash's
 * {@code $'...'} use: {@code \a \b \t \n \v \f \r} for those seven; other C0 controls and DEL as
 * {@code \xNN} (ls writes the same byte in octal, {@code \033}); C1 controls U+0080..U+009F, which
 * 8-bit terminals obey (U+009B is CSI), and a surrogate without its pair (not a character at all) as
 * a backslash, {@code u} and four hex digits, as Java and JSON write them. A backslash itself is left as it is, so messages quoting a BPF expression or
 * libpcap's words read unchanged; a name that already contains "\x07" as text is the one ambiguity.
 */
final class Printable {

    private Printable() {
    }

    /** {@code s} with every control character escaped, line breaks included: the result is one line */
    static String escape(CharSequence s) {
        int n = s.length();
        int i = 0;
        while (i < n && !needsEscape(s, i)) {
            i += Character.isHighSurrogate(s.charAt(i)) ? 2 : 1;
        }
        if (i >= n) {
            return s.toString();
        }
        StringBuilder b = new StringBuilder(n + 16).append(s, 0, i);
        while (i < n) {
            char c = s.charAt(i);
            if (!needsEscape(s, i)) {
                b.append(c);
                if (Character.isHighSurrogate(c)) {
                    b.append(s.charAt(i + 1));
                    i++;
                }
            } else {
                switch (c) {
                    case 0x07 -> b.append("\\a");
                    case '\b' -> b.append("\\b");
                    case '\t' -> b.append("\\t");
                    case '\n' -> b.append("\\n");
                    case 0x0B -> b.append("\\v");
                    case '\f' -> b.append("\\f");
                    case '\r' -> b.append("\\r");
                    default -> {
                        if (c < 0x20 || c == 0x7F) {
                            b.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xF, 16));
                        } else {
                            b.append(String.format("\\u%04x", (int) c));
                        }
                    }
                }
            }
            i++;
        }
        return b.toString();
    }

    /** true if the char at {@code i} is a control character or half of a broken surrogate pair */
    private static boolean needsEscape(CharSequence s, int i) {
        char c = s.charAt(i);
        if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) {
            return true;
        }
        if (Character.isHighSurrogate(c)) {
            return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
        }
        return Character.isLowSurrogate(c);   // a low surrogate not preceded by its high one
    }
}
