package dev.berth.server.streaming;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * The framing of Kubernetes' channel WebSocket protocols ({@code channel.k8s.io} and its versions): each
 * message belongs to one channel, numbered by convention after the file descriptors (0 stdin, 1 stdout,
 * 2 stderr, 3 error, 4 resize; for port forwarding 2i the data and 2i+1 the errors of the i-th port). In the
 * binary protocols a message is the channel's number as one byte, then the data. In the base64 ones it is
 * text: the number as an ASCII digit, then the data in base64. v5 adds one message from the client,
 * {@code [255, channel]}: the client will send nothing more on that channel. Stateless.
 */
enum ChannelCodec {
    BINARY,
    BASE64;

    /** The first byte of v5's message that closes a channel. */
    static final int CLOSE = 255;

    /** What one message from the client says. */
    sealed interface Inbound {
    }

    /** Data for {@code channel}. */
    record Data(int channel, byte[] data) implements Inbound {
    }

    /** The client closed {@code channel} (v5). */
    record Close(int channel) implements Inbound {
    }

    /** A message that cannot be understood; kubelet drops such data, but ends the connection on a bad close. */
    record Malformed(String reason, boolean fatal) implements Inbound {
    }

    static ChannelCodec of(String protocol) {
        return protocol.contains("base64.") ? BASE64 : BINARY;
    }

    /** Whether messages go as WebSocket text frames (base64) rather than binary ones. */
    boolean text() {
        return this == BASE64;
    }

    /** The message carrying {@code data[off, off + len)} on {@code channel}. */
    byte[] encode(int channel, byte[] data, int off, int len) {
        if (this == BINARY) {
            byte[] message = new byte[len + 1];
            message[0] = (byte) channel;
            System.arraycopy(data, off, message, 1, len);
            return message;
        }
        byte[] encoded = Base64.getEncoder().encode(Arrays.copyOfRange(data, off, off + len));
        byte[] message = new byte[encoded.length + 1];
        message[0] = (byte) ('0' + channel);
        System.arraycopy(encoded, 0, message, 1, encoded.length);
        return message;
    }

    /**
     * Reads one message of the client; null for an empty one, which carries nothing.
     *
     * @param streamClose whether the protocol has v5's close message
     */
    Inbound decode(byte[] message, boolean streamClose) {
        if (message.length == 0) {
            return null;
        }
        if (streamClose && this == BINARY && (message[0] & 0xff) == CLOSE) {
            if (message.length != 2) {
                return new Malformed("a close message names one channel, not " + (message.length - 1)
                        + " bytes", true);
            }
            return new Close(message[1] & 0xff);
        }
        int channel = this == BINARY ? message[0] & 0xff : (message[0] & 0xff) - '0';
        if (this == BINARY) {
            return new Data(channel, Arrays.copyOfRange(message, 1, message.length));
        }
        try {
            return new Data(channel, Base64.getDecoder().decode(Arrays.copyOfRange(message, 1, message.length)));
        } catch (IllegalArgumentException e) {
            return new Malformed("channel " + channel + ": not base64: "
                    + new String(message, 1, Math.min(message.length - 1, 40), StandardCharsets.US_ASCII), false);
        }
    }

    /** The first message of each channel of a forwarded port: the port as 16 bits, little-endian. */
    static byte[] portHeader(int port) {
        return new byte[] {(byte) port, (byte) (port >>> 8)};
    }
}
