package io.tcplens.cli.render;

/** The report formats of {@code analyze} (and {@code capture}): {@code --format}. */
public enum ReportFormat {
    /** timeline per session and a summary (default) */
    text,
    /** one JSON object per session (the record contract) */
    jsonl,
    /** RFC 4180, one row per session, the JSON Lines fields flattened */
    csv,
    /** Zeek conn.log TSV */
    zeek,
    /** one self-contained HTML file with charts, a session table and ladder diagrams */
    html
}
