package dev.berth.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class KeyedLocksTest {
    @Test
    void lock_sameKeyFromTwoThreads_secondWaitsUntilRelease() throws Exception {
        KeyedLocks locks = new KeyedLocks();
        KeyedLocks.Held first = locks.lock("k");
        AtomicBoolean acquired = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(1);
        Thread other = Thread.ofVirtual().start(() -> {
            KeyedLocks.Held second = locks.lock("k");
            acquired.set(true);
            second.close();
            done.countDown();
        });
        assertThat(done.await(200, TimeUnit.MILLISECONDS)).isFalse();
        assertThat(acquired).isFalse();
        first.close();
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        other.join(10_000);
        assertThat(locks.size()).isZero();
    }

    @Test
    void lock_differentKeys_doNotBlock() {
        KeyedLocks locks = new KeyedLocks();
        KeyedLocks.Held a = locks.lock("a");
        KeyedLocks.Held b = locks.lock("b");
        assertThat(locks.size()).isEqualTo(2);
        a.close();
        b.close();
        assertThat(locks.size()).isZero();
    }
}
