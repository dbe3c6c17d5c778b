package dev.berth.server.streaming;

import dev.berth.cri.v1.AttachRequest;
import dev.berth.cri.v1.ExecRequest;
import dev.berth.cri.v1.PortForwardRequest;

/**
 * Hands out the one-time URLs the streaming RPCs return: the client connects to the URL within a minute,
 * once, and upgrades the connection to SPDY to carry the streams. Requests are validated by the caller.
 * Thread-safe.
 */
public interface StreamUrls {

    /** A URL serving {@code request} (a container id already resolved to its full id). */
    String exec(ExecRequest request);

    /** A URL serving {@code request} (a container id already resolved to its full id). */
    String attach(AttachRequest request);

    /** A URL serving {@code request} (a sandbox id already resolved to its full id). */
    String portForward(PortForwardRequest request);
}
