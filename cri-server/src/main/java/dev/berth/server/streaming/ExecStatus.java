package dev.berth.server.streaming;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.host.Json;
import java.nio.charset.StandardCharsets;

/**
 * What the server writes on the error stream when a command ends: on v4 and v5 a Kubernetes {@code Status}
 * object as JSON (kubectl and crictl read the exit code from its causes), on earlier versions only the message
 * of a failure, and nothing for success. Immutable.
 *
 * @param exitCode the command's exit code, or -1 when it could not be run
 * @param error why it could not be run, or null
 */
record ExecStatus(int exitCode, String error) {

    private static final ObjectMapper JSON = Json.MAPPER;

    static ExecStatus exited(int exitCode) {
        return new ExecStatus(exitCode, null);
    }

    static ExecStatus failed(String error) {
        return new ExecStatus(-1, error);
    }

    boolean success() {
        return error == null && exitCode == 0;
    }

    /** The bytes to write on the error stream for {@code protocol}; empty means write nothing. */
    byte[] encode(String protocol, String command) {
        if (!Protocols.reportsStatusObject(protocol)) {
            return success() ? new byte[0] : message(command).getBytes(StandardCharsets.UTF_8);
        }
        ObjectNode status = JSON.createObjectNode();
        status.putObject("metadata");
        if (success()) {
            status.put("status", "Success");
        } else if (error == null) {
            status.put("status", "Failure");
            status.put("message", message(command));
            status.put("reason", "NonZeroExitCode");
            status.putObject("details").putArray("causes").addObject()
                    .put("reason", "ExitCode").put("message", Integer.toString(exitCode));
        } else {
            status.put("status", "Failure");
            status.put("message", message(command));
            status.put("reason", "InternalError");
            status.putObject("details").putArray("causes").addObject().put("message", error);
            status.put("code", 500);
        }
        try {
            return JSON.writeValueAsBytes(status);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private String message(String command) {
        if (error != null) {
            return "Internal error occurred: error executing command in container: " + error;
        }
        return "command terminated with non-zero exit code: error executing command " + command
                + ", exit code " + exitCode;
    }
}
