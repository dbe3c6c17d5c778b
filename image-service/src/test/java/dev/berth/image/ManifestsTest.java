package dev.berth.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.host.BerthException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ManifestsTest {
    private static final String A = "sha256:" + "a".repeat(64);
    private static final String B = "sha256:" + "b".repeat(64);
    private static final String C = "sha256:" + "c".repeat(64);
    private static final String D = "sha256:" + "d".repeat(64);

    private static byte[] json(String s) {
        return s.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void parse_dockerManifest_returnsConfigAndLayers() {
        var parsed = Manifests.parse(json("""
                {'schemaVersion':2,'mediaType':'application/vnd.docker.distribution.manifest.v2+json',
                 'config':{'mediaType':'application/vnd.docker.container.image.v1+json','size':10,'digest':'%s'},
                 'layers':[{'mediaType':'application/vnd.docker.image.rootfs.diff.tar.gzip','size':20,'digest':'%s'},
                           {'mediaType':'application/vnd.oci.image.layer.v1.tar+zstd','size':30,'digest':'%s'}]}
                """.formatted(A, B, C)), "");
        assertThat(parsed).isInstanceOf(Manifests.Manifest.class);
        var m = (Manifests.Manifest) parsed;
        assertThat(m.config().digest()).isEqualTo(A);
        assertThat(m.layers()).extracting(Manifests.Descriptor::digest).containsExactly(B, C);
        assertThat(m.layers()).extracting(Manifests.Descriptor::size).containsExactly(20L, 30L);
    }

    @Test
    void parse_ociManifestWithoutMediaTypeField_usesContentType() {
        var parsed = Manifests.parse(json("""
                {'schemaVersion':2,'config':{'size':1,'digest':'%s'},'layers':[]}""".formatted(A)),
                Manifests.OCI_MANIFEST + "; charset=utf-8");
        assertThat(parsed).isInstanceOf(Manifests.Manifest.class);
    }

    @Test
    void parse_ociIndex_choosesLinuxAmd64() {
        var parsed = Manifests.parse(json("""
                {'schemaVersion':2,'mediaType':'application/vnd.oci.image.index.v1+json','manifests':[
                  {'digest':'%s','size':1,'platform':{'os':'linux','architecture':'arm64','variant':'v8'}},
                  {'digest':'%s','size':2,'platform':{'os':'windows','architecture':'amd64'}},
                  {'digest':'%s','size':3,'platform':{'os':'linux','architecture':'amd64'}},
                  {'digest':'%s','size':4,'platform':{'os':'unknown','architecture':'unknown'}}]}
                """.formatted(A, B, C, D)), "");
        var index = (Manifests.Index) parsed;
        assertThat(Manifests.choose(index, "linux", "amd64").digest()).isEqualTo(C);
        assertThat(Manifests.choose(index, "linux", "arm64").digest()).isEqualTo(A);
    }

    @Test
    void choose_variantAndPlainEntries_prefersPlain() {
        var index = (Manifests.Index) Manifests.parse(json("""
                {'mediaType':'application/vnd.docker.distribution.manifest.list.v2+json','manifests':[
                  {'digest':'%s','size':1,'platform':{'os':'linux','architecture':'amd64','variant':'v3'}},
                  {'digest':'%s','size':1,'platform':{'os':'linux','architecture':'amd64'}}]}
                """.formatted(A, B)), "");
        assertThat(Manifests.choose(index, "linux", "amd64").digest()).isEqualTo(B);
    }

    @Test
    void choose_noMatchingPlatform_throwsNotFound() {
        var index = (Manifests.Index) Manifests.parse(json("""
                {'manifests':[{'digest':'%s','size':1,'platform':{'os':'linux','architecture':'s390x'}}]}
                """.formatted(A)), "");
        assertThatThrownBy(() -> Manifests.choose(index, "linux", "amd64"))
                .isInstanceOf(BerthException.NotFound.class);
    }

    @Test
    void parse_schema1_throwsFailed() {
        assertThatThrownBy(() -> Manifests.parse(json("{'schemaVersion':1,'fsLayers':[]}"), ""))
                .isInstanceOf(BerthException.Failed.class);
    }

    @Test
    void parse_badDigest_throwsFailed() {
        assertThatThrownBy(() -> Manifests.parse(json("{'config':{'size':1,'digest':'sha256:../../x'},'layers':[]}"), ""))
                .isInstanceOf(BerthException.class);
    }

    @Test
    void parse_nonTarLayer_throwsFailed() {
        assertThatThrownBy(() -> Manifests.parse(json("""
                {'config':{'size':1,'digest':'%s'},'layers':[{'mediaType':'application/vnd.in-toto+json','size':1,'digest':'%s'}]}
                """.formatted(A, B)), ""))
                .isInstanceOf(BerthException.class).hasMessageContaining("in-toto");
    }

    @Test
    void parseConfig_fullConfig_mapsAllFields() {
        var config = Manifests.parseConfig(json("""
                {'architecture':'amd64','os':'linux','config':{'Entrypoint':['/e'],'Cmd':['a','b'],'Env':['A=1'],
                 'WorkingDir':'/w','User':'1000:1000','Labels':{'k':'v'},'StopSignal':'SIGQUIT',
                 'Volumes':{'/data':{}},'ExposedPorts':{'80/tcp':{}}},
                 'rootfs':{'type':'layers','diff_ids':['%s','%s']}}""".formatted(A, B)));
        ImageConfig c = config.config();
        assertThat(c.entrypoint()).containsExactly("/e");
        assertThat(c.cmd()).containsExactly("a", "b");
        assertThat(c.env()).containsExactly("A=1");
        assertThat(c.workingDir()).isEqualTo("/w");
        assertThat(c.user()).isEqualTo("1000:1000");
        assertThat(c.labels()).containsEntry("k", "v");
        assertThat(c.stopSignal()).isEqualTo("SIGQUIT");
        assertThat(c.volumes()).containsExactly("/data");
        assertThat(c.exposedPorts()).containsExactly("80/tcp");
        assertThat(config.diffIds()).containsExactly(A, B);
    }

    @Test
    void parseConfig_emptyConfig_givesEmptyValuesNotNull() {
        ImageConfig c = Manifests.parseConfig(json("{'rootfs':{'diff_ids':[]}}")).config();
        assertThat(c.cmd()).isEmpty();
        assertThat(c.labels()).isEmpty();
        assertThat(c.user()).isEmpty();
        assertThat(c.workingDir()).isEmpty();
    }

    @Test
    void chainIds_twoLayers_followsOciFormula() {
        var chains = Digests.chainIds(java.util.List.of(A, B));
        assertThat(chains.get(0)).isEqualTo(A);
        assertThat(chains.get(1)).isEqualTo(Digests.of((A + " " + B).getBytes(StandardCharsets.US_ASCII)));
    }
}
