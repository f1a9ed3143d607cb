package io.tcplens.cli.render;

import io.tcplens.analyzer.session.ClientBasis;
import io.tcplens.analyzer.session.CloseKind;
import io.tcplens.analyzer.session.EndReason;
import io.tcplens.analyzer.session.HandshakeStatus;
import io.tcplens.analyzer.session.Role;
import io.tcplens.analyzer.session.SessionRecord;
import io.tcplens.analyzer.session.TcpState;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A placeholder session, only to derive the CSV header of a report without sessions. */
final class TemplateRecord {

    private TemplateRecord() {
    }

    static SessionRecord record() {
        SessionRecord.EndpointInfo e = new SessionRecord.EndpointInfo(-1, -1, false, false, -1, 0, 0, 0,
                null, null, null, 0, 0, 0, 0, 0, TcpState.UNKNOWN);
        return new SessionRecord(0, 4, "0.0.0.0", 0, "0.0.0.0", 0, ClientBasis.values()[0], 0, 0, 0, 0, 0, 0,
                0, 0, 0, 0, 0, 0,
                new SessionRecord.HandshakeInfo(HandshakeStatus.NOT_SEEN, null, null, null, null, 0, false),
                new SessionRecord.CloseInfo(null, CloseKind.NONE, false, false, false, null, null, null, null),
                new SessionRecord.DataInfo(0, 0, null, null, null),
                TcpState.UNKNOWN, TcpState.UNKNOWN, EndReason.values()[0],
                new SessionRecord.ZeekInfo("OTH", "", Role.CLIENT),
                new SessionRecord.Anomalies(Map.of(), Map.of()), 0, 0, e, e, List.of());
    }

    static List<String> csvHeader() {
        try {
            CsvRenderer csv = CsvRenderer.flattener();
            List<String> names = new ArrayList<>();
            for (String[] f : csv.flatten(record())) {
                names.add(f[0]);
            }
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
