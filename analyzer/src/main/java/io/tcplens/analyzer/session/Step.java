package io.tcplens.analyzer.session;

/** The notable moments of a connection that its timeline shows. */
public enum Step {
    /** client {@code connect()}: SYN */
    SYN,
    /** SYN-ACK that acknowledges the SYN */
    SYN_ACK,
    /** SYN-ACK that does not acknowledge the SYN (or no SYN was seen) */
    SYN_ACK_UNVALIDATED,
    /** the client's ACK of the SYN-ACK: server {@code accept()} returns */
    HANDSHAKE_ACK,
    /** first payload byte in a direction */
    FIRST_DATA,
    /** {@code close()} or {@code shutdown(SHUT_WR)}: first FIN of a side */
    FIN,
    /** the peer acknowledged that FIN */
    FIN_ACKED,
    /** first RST of a side */
    RST
}
