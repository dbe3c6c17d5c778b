package dev.berth.cri.v1;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.DebugFormat;
import org.junit.jupiter.api.Test;

/**
 * Registry credentials must never reach a log. protobuf-java 4.x honours
 * {@code debug_redact} only in {@link DebugFormat}, not in {@code toString()},
 * so these tests pin both facts for whoever logs requests.
 */
class RedactionTest {

  private static final PullImageRequest REQUEST = PullImageRequest.newBuilder()
      .setAuth(AuthConfig.newBuilder()
          .setUsername("alice")
          .setPassword("pw-secret")
          .setAuth("auth-secret")
          .setServerAddress("registry.example")
          .setIdentityToken("identity-secret")
          .setRegistryToken("registry-secret"))
      .build();

  @Test
  void debugFormat_pullImageRequestWithAuth_hidesTheFourSecrets() {
    String printed = DebugFormat.singleLine().toString(REQUEST);

    assertThat(printed)
        .contains("alice", "registry.example")
        .doesNotContain("pw-secret", "auth-secret", "identity-secret", "registry-secret");
  }

  @Test
  void toString_pullImageRequestWithAuth_stillPrintsSecrets() {
    // If this starts failing, protobuf redacts in toString() too and loggers may use it.
    assertThat(REQUEST.toString()).contains("pw-secret");
  }

  @Test
  void descriptor_authConfigSecretFields_areMarkedDebugRedact() {
    assertThat(AuthConfig.getDescriptor().getFields())
        .filteredOn(f -> f.getOptions().getDebugRedact())
        .extracting(f -> f.getName())
        .containsExactlyInAnyOrder("password", "auth", "identity_token", "registry_token");
  }
}
