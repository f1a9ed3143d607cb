package io.tcplens.cli.render;

import java.util.List;

/**
 * What one run read, for summaries.
 *
 * @param frames       frames read
 * @param tcpSegments  frames that carried TCP
 * @param otherFrames  frames that did not (other protocols, fragments, unsupported link types)
 * @param unsupportedLinkTypes link types seen that tcplens does not decode
 * @param warnings     one line per problem with the input
 */
public record RunTotals(long frames, long tcpSegments, long otherFrames, int[] unsupportedLinkTypes,
                        List<String> warnings) {
}
