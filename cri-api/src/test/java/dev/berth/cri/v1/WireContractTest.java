package dev.berth.cri.v1;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Checks that the compiled {@code runtime.v1} proto still speaks the CRI wire
 * contract kubelet, crictl and critest rely on: every service, method path,
 * message, field number, type and enum value, compared with the reference
 * listing in {@code shared/cri-api/wire-contract.tsv} beside the repository.
 */
class WireContractTest {

  private static final String CONTRACT = "shared/cri-api/wire-contract.tsv";
  private static final FileDescriptor FILE = Api.getDescriptor();

  @Test
  void descriptor_comparedWithContractFile_matchesLineForLine() throws IOException {
    Path contract = findContract()
        .orElseGet(() -> Assumptions.abort(CONTRACT + " not found in " + Path.of("").toAbsolutePath()
            + " or any parent directory; the wire contract lives beside the repository"));
    List<String> expected = Files.readAllLines(contract).stream()
        .filter(line -> !line.isEmpty())
        .sorted()
        .toList();
    List<String> actual = WireListing.of(FILE);

    Set<String> missing = new LinkedHashSet<>(expected);
    actual.forEach(missing::remove);
    Set<String> extra = new LinkedHashSet<>(actual);
    expected.forEach(extra::remove);

    assertThat(actual)
        .withFailMessage(() -> "api.proto differs from " + contract + "\nmissing (in the contract, not in api.proto):\n"
            + String.join("\n", missing) + "\nextra (in api.proto, not in the contract):\n" + String.join("\n", extra))
        .isEqualTo(expected);
  }

  @Test
  void services_countedAcrossBoth_have43Rpcs() {
    int rpcs = FILE.getServices().stream().mapToInt(s -> s.getMethods().size()).sum();

    assertThat(FILE.getServices()).extracting(ServiceDescriptor::getFullName)
        .containsExactlyInAnyOrder("runtime.v1.RuntimeService", "runtime.v1.ImageService");
    assertThat(rpcs).isEqualTo(43);
  }

  @Test
  void messages_countedWithoutMapEntries_are175Plus30Entries() {
    List<Descriptor> all = new ArrayList<>();
    FILE.getMessageTypes().forEach(m -> collect(m, all));
    long entries = all.stream().filter(m -> m.getOptions().getMapEntry()).count();

    assertThat(all.size() - entries).isEqualTo(175);
    assertThat(entries).isEqualTo(30);
  }

  @Test
  void contractFile_counted_has175MessageLines() throws IOException {
    Path contract = findContract()
        .orElseGet(() -> Assumptions.abort(CONTRACT + " not found above " + Path.of("").toAbsolutePath()));

    try (Stream<String> lines = Files.lines(contract)) {
      assertThat(lines.filter(l -> l.startsWith("message\t")).count()).isEqualTo(175);
    }
  }

  @Test
  void listing_authConfigPassword_rendersAllColumns() {
    assertThat(WireListing.of(FILE))
        .contains("field\t.runtime.v1.AuthConfig.password\t2\toptional\tstring\t\t")
        .contains("field\t.runtime.v1.SecurityProfile.profile_type\t1\toptional\tenum"
            + "\t.runtime.v1.SecurityProfile.ProfileType\t")
        .contains("mapentry\t.runtime.v1.PodSandboxConfig.LabelsEntry\tkey:string\tvalue:string")
        .contains("value\t.runtime.v1.Signal.SIGNAL_SIGKILL\t13")
        .contains("rpc\t.runtime.v1.RuntimeService.GetContainerEvents\t.runtime.v1.GetEventsRequest"
            + "\t.runtime.v1.ContainerEventResponse\tserver_streaming");
  }

  private static void collect(Descriptor message, List<Descriptor> into) {
    into.add(message);
    message.getNestedTypes().forEach(n -> collect(n, into));
  }

  /** Walks up from the working directory; CI checks {@code shared/} out beside the repository. */
  private static Optional<Path> findContract() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve(CONTRACT);
      if (Files.isRegularFile(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
