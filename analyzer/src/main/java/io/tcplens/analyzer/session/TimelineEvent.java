package io.tcplens.analyzer.session;

/**
 * One step of a session's timeline.
 *
 * @param tsNs          capture time, epoch nanoseconds
 * @param from          who sent the packet
 * @param step          what happened
 * @param senderState   the sender's RFC 9293 state after this packet
 * @param receiverState the receiver's state after this packet
 * @param relSeq        sequence number relative to the sender's ISN
 * @param relAck        acknowledgment number relative to the receiver's ISN (0 without ACK)
 * @param length        payload bytes
 */
public record TimelineEvent(long tsNs, Role from, Step step, TcpState senderState, TcpState receiverState,
                            long relSeq, long relAck, int length) {
}
