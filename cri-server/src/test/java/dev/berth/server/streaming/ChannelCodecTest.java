package dev.berth.server.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ChannelCodecTest {

    private static final byte[] FOO = "foo\n".getBytes(StandardCharsets.US_ASCII);

    @Test
    void of_base64Protocols_areText_othersBinary() {
        assertThat(ChannelCodec.of("base64.channel.k8s.io")).isEqualTo(ChannelCodec.BASE64);
        assertThat(ChannelCodec.of("v4.base64.channel.k8s.io")).isEqualTo(ChannelCodec.BASE64);
        assertThat(ChannelCodec.of("channel.k8s.io")).isEqualTo(ChannelCodec.BINARY);
        assertThat(ChannelCodec.of("v4.channel.k8s.io")).isEqualTo(ChannelCodec.BINARY);
        assertThat(ChannelCodec.of("v5.channel.k8s.io")).isEqualTo(ChannelCodec.BINARY);
        assertThat(ChannelCodec.of("")).as("a client naming no protocol").isEqualTo(ChannelCodec.BINARY);
        assertThat(ChannelCodec.BASE64.text()).isTrue();
        assertThat(ChannelCodec.BINARY.text()).isFalse();
    }

    @Test
    void encode_binary_channelByteThenData() {
        assertThat(ChannelCodec.BINARY.encode(1, FOO, 0, FOO.length)).containsExactly(1, 'f', 'o', 'o', '\n');
        assertThat(ChannelCodec.BINARY.encode(3, FOO, 1, 2)).containsExactly(3, 'o', 'o');
    }

    @Test
    void encode_emptyData_isTheChannelAlone() {
        assertThat(ChannelCodec.BINARY.encode(1, new byte[0], 0, 0)).containsExactly(1);
        assertThat(ChannelCodec.BASE64.encode(1, new byte[0], 0, 0)).containsExactly('1');
    }

    @Test
    void encode_base64_digitThenBase64() {
        // apimachinery's example: "\n" on stdout reads "1Cg=="
        assertThat(new String(ChannelCodec.BASE64.encode(1, new byte[] {'\n'}, 0, 1), StandardCharsets.US_ASCII))
                .isEqualTo("1Cg==");
        assertThat(new String(ChannelCodec.BASE64.encode(2, FOO, 0, FOO.length), StandardCharsets.US_ASCII))
                .isEqualTo("2Zm9vCg==");
    }

    @Test
    void decode_binary_channelAndData() {
        assertThat(ChannelCodec.BINARY.decode(new byte[] {0, 'f', 'o', 'o', '\n'}, false))
                .isInstanceOfSatisfying(ChannelCodec.Data.class, d -> {
                    assertThat(d.channel()).isZero();
                    assertThat(d.data()).isEqualTo(FOO);
                });
        assertThat(ChannelCodec.BINARY.decode(new byte[] {4}, false))
                .isInstanceOfSatisfying(ChannelCodec.Data.class, d -> {
                    assertThat(d.channel()).isEqualTo(4);
                    assertThat(d.data()).isEmpty();
                });
    }

    @Test
    void decode_base64_digitAndDecodedData() {
        assertThat(ChannelCodec.BASE64.decode("0Zm9vCg==".getBytes(StandardCharsets.US_ASCII), false))
                .isInstanceOfSatisfying(ChannelCodec.Data.class, d -> {
                    assertThat(d.channel()).isZero();
                    assertThat(d.data()).isEqualTo(FOO);
                });
    }

    @Test
    void decode_base64NotBase64_malformedButNotFatal() {
        assertThat(ChannelCodec.BASE64.decode("0**not base64**".getBytes(StandardCharsets.US_ASCII), false))
                .isInstanceOfSatisfying(ChannelCodec.Malformed.class, m -> assertThat(m.fatal()).isFalse());
    }

    @Test
    void decode_emptyMessage_isNothing() {
        assertThat(ChannelCodec.BINARY.decode(new byte[0], true)).isNull();
        assertThat(ChannelCodec.BASE64.decode(new byte[0], false)).isNull();
    }

    @Test
    void decode_v5Close_closesTheNamedChannel() {
        assertThat(ChannelCodec.BINARY.decode(new byte[] {(byte) 255, 0}, true))
                .isEqualTo(new ChannelCodec.Close(0));
    }

    @Test
    void decode_closeMessageOfWrongLength_isFatal() {
        assertThat(ChannelCodec.BINARY.decode(new byte[] {(byte) 255, 0, 1}, true))
                .isInstanceOfSatisfying(ChannelCodec.Malformed.class, m -> assertThat(m.fatal()).isTrue());
        assertThat(ChannelCodec.BINARY.decode(new byte[] {(byte) 255}, true))
                .isInstanceOfSatisfying(ChannelCodec.Malformed.class, m -> assertThat(m.fatal()).isTrue());
    }

    @Test
    void decode_255BeforeV5_isDataOfChannel255() {
        assertThat(ChannelCodec.BINARY.decode(new byte[] {(byte) 255, 0}, false))
                .isInstanceOfSatisfying(ChannelCodec.Data.class, d -> assertThat(d.channel()).isEqualTo(255));
    }

    @Test
    void roundTrip_everyChannelAndByte_bothCodecs() {
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        for (ChannelCodec codec : ChannelCodec.values()) {
            for (int channel = 0; channel < 10; channel++) {
                int c = channel;
                assertThat(codec.decode(codec.encode(channel, all, 0, all.length), true))
                        .as("%s channel %d", codec, channel)
                        .isInstanceOfSatisfying(ChannelCodec.Data.class, d -> {
                            assertThat(d.channel()).isEqualTo(c);
                            assertThat(d.data()).isEqualTo(all);
                        });
            }
        }
    }

    @Test
    void portHeader_isTheFirstMessageOfAPortsChannels_littleEndian() {
        assertThat(ChannelCodec.portHeader(8080)).containsExactly(0x90, 0x1f);
        assertThat(ChannelCodec.portHeader(80)).containsExactly(80, 0);
        assertThat(ChannelCodec.portHeader(65535)).containsExactly(0xff, 0xff);
        // On a port's data channel (2i) the header is framed like any data.
        assertThat(ChannelCodec.BINARY.encode(2, ChannelCodec.portHeader(8080), 0, 2)).containsExactly(2, 0x90, 0x1f);
        assertThat(new String(ChannelCodec.BASE64.encode(3, ChannelCodec.portHeader(8080), 0, 2),
                StandardCharsets.US_ASCII)).isEqualTo("3kB8=");
    }
}
