package io.tcplens.analyzer.session;

/** Which end of a connection: the one that called {@code connect()} or the one that called {@code accept()}. */
public enum Role {
    CLIENT, SERVER;

    public String jsonName() {
        return this == CLIENT ? "client" : "server";
    }

    public Role peer() {
        return this == CLIENT ? SERVER : CLIENT;
    }
}
