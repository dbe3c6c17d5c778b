package dev.berth.server.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenCacheTest {

    private final AtomicLong clock = new AtomicLong(1_000);
    private final TokenCache<String> cache = new TokenCache<>(Duration.ofMinutes(1), 3, clock::get);

    @Test
    void take_freshToken_returnsValueOnce() {
        String token = cache.put("exec");

        assertThat(cache.take(token)).contains("exec");
        assertThat(cache.take(token)).as("a token is single use").isEmpty();
    }

    @Test
    void take_afterTtl_isEmpty() {
        String token = cache.put("exec");
        clock.addAndGet(Duration.ofMinutes(1).toNanos());

        assertThat(cache.take(token)).isEmpty();
    }

    @Test
    void take_justBeforeTtl_returnsValue() {
        String token = cache.put("exec");
        clock.addAndGet(Duration.ofMinutes(1).toNanos() - 1);

        assertThat(cache.take(token)).contains("exec");
    }

    @Test
    void take_unknownToken_isEmpty() {
        cache.put("exec");

        assertThat(cache.take("nope")).isEmpty();
    }

    @Test
    void put_tokens_areDistinctAndUrlSafe() {
        Set<String> tokens = new HashSet<>();
        TokenCache<Integer> big = new TokenCache<>(Duration.ofMinutes(1), 1000, clock::get);
        for (int i = 0; i < 1000; i++) {
            tokens.add(big.put(i));
        }

        assertThat(tokens).hasSize(1000).allMatch(t -> t.matches("[A-Za-z0-9_-]{16}"));
    }

    @Test
    void put_full_refusesUntilEntriesExpire() {
        cache.put("a");
        cache.put("b");
        cache.put("c");

        assertThatThrownBy(() -> cache.put("d")).isInstanceOf(IllegalStateException.class);
        clock.addAndGet(Duration.ofMinutes(2).toNanos());
        String token = cache.put("d");
        assertThat(cache.size()).isEqualTo(1);
        assertThat(cache.take(token)).contains("d");
    }
}
