package io.tcplens.analyzer.session;

/** What the first closing packet of a session was. */
public enum CloseKind {
    FIN, RST, NONE;

    public String jsonName() {
        return switch (this) {
            case FIN -> "fin";
            case RST -> "rst";
            case NONE -> "none";
        };
    }
}
