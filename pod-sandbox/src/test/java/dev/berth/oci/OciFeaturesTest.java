package dev.berth.oci;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OciFeaturesTest {

    /** What runc 1.1.5 prints here (abridged): rro, the user namespace, no mount extensions. */
    static final String RUNC_1_1 = """
            {"ociVersionMin":"1.0.0","ociVersionMax":"1.0.2-dev",
             "mountOptions":["bind","rbind","ro","rro","rw","rprivate"],
             "linux":{"namespaces":["cgroup","ipc","mount","network","pid","user","uts"]}}""";
    /** What runc 1.2 prints (abridged): idmapped mounts enabled. */
    static final String RUNC_1_2 = """
            {"ociVersionMin":"1.0.0","ociVersionMax":"1.2.0",
             "mountOptions":["bind","rbind","ro","rro","rw","idmap","ridmap"],
             "linux":{"namespaces":["cgroup","ipc","mount","network","pid","user","uts","time"],
                      "mountExtensions":{"idmap":{"enabled":true}}}}""";

    @Test
    void parse_runc11OnNewKernel_recursiveReadOnlyButNoUserNamespaces() {
        assertThat(OciFeatures.parse(RUNC_1_1, "6.18.44-fc-v1045")).isEqualTo(new OciFeatures(true, false));
    }

    @Test
    void parse_runc12_userNamespacesToo() {
        assertThat(OciFeatures.parse(RUNC_1_2, "6.1.0-13-amd64")).isEqualTo(new OciFeatures(true, true));
    }

    @Test
    void parse_kernelBefore512_noRecursiveReadOnly() {
        assertThat(OciFeatures.parse(RUNC_1_1, "5.11.0").recursiveReadOnly()).isFalse();
        assertThat(OciFeatures.parse(RUNC_1_1, "4.19.0-25-amd64").recursiveReadOnly()).isFalse();
        assertThat(OciFeatures.parse(RUNC_1_1, "5.12.0").recursiveReadOnly()).isTrue();
    }

    @Test
    void parse_unknownKernel_noRecursiveReadOnly() {
        assertThat(OciFeatures.parse(RUNC_1_1, null).recursiveReadOnly()).isFalse();
        assertThat(OciFeatures.parse(RUNC_1_1, "weird").recursiveReadOnly()).isFalse();
    }

    @Test
    void parse_idmapWithoutUserNamespace_noUserNamespaces() {
        String noUser = RUNC_1_2.replace("\"user\",", "");

        assertThat(OciFeatures.parse(noUser, "6.1.0").userNamespaces()).isFalse();
    }

    @Test
    void parse_idmapNotEnabled_noUserNamespaces() {
        String disabled = RUNC_1_2.replace("\"enabled\":true", "\"enabled\":false");

        assertThat(OciFeatures.parse(disabled, "6.1.0").userNamespaces()).isFalse();
    }

    @Test
    void parse_nothingOrNotFeatures_none() {
        for (String json : new String[] {null, "", "  \n", "{not json", "[\"rro\"]", "\"rro\""}) {
            assertThat(OciFeatures.parse(json, "6.1.0")).as(String.valueOf(json)).isEqualTo(OciFeatures.none());
        }
    }
}
