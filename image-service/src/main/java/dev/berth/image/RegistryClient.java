package dev.berth.image;

import dev.berth.host.BerthException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.host.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Talks the distribution API to one registry endpoint for one repository: fetches manifests and
 * blobs, answering Bearer and Basic challenges and following redirects (without sending the
 * registry's credentials to another host). Maps HTTP failures to {@link BerthException} kinds.
 * Thread-safe; tokens are cached per endpoint and scope.
 */
final class RegistryClient {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryClient.class);
    private static final int MAX_REDIRECTS = 5;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final long MAX_MANIFEST = 8L << 20;

    private final HttpClient http;
    private final Duration stallTimeout;
    private final Map<String, String> tokens = new ConcurrentHashMap<>();

    /** A client whose reads of a response body fail once the registry sends nothing for {@code stallTimeout}. */
    RegistryClient(HttpClient http, Duration stallTimeout) {
        this.http = http;
        this.stallTimeout = stallTimeout;
    }

    static HttpClient defaultHttpClient() {
        return HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** A fetched manifest: its bytes, the Content-Type the registry gave and the sha256 of the bytes. */
    record Fetched(byte[] body, String contentType, String digest) {
    }

    Fetched manifest(URI endpoint, String repository, String object, Credentials creds) {
        URI uri = endpoint.resolve("/v2/" + repository + "/manifests/" + object);
        HttpResponse<InputStream> response = send(uri, repository, creds, Map.of("Accept", Manifests.ACCEPT));
        try (InputStream in = response.body()) {
            byte[] body = in.readNBytes((int) MAX_MANIFEST + 1);
            if (body.length > MAX_MANIFEST) {
                throw BerthException.failed("manifest " + uri + " is larger than " + MAX_MANIFEST);
            }
            String digest = Digests.of(body);
            if (object.startsWith("sha256:") && !object.equals(digest)) {
                throw BerthException.failed("manifest digest mismatch: asked " + object + ", got " + digest);
            }
            return new Fetched(body, response.headers().firstValue("Content-Type").orElse(""), digest);
        } catch (IOException e) {
            throw BerthException.unavailable("reading manifest " + uri + ": " + e.getMessage(), e);
        }
    }

    /** Opens a blob for reading; the caller verifies it and closes the stream. */
    InputStream blob(URI endpoint, String repository, String digest, Credentials creds) {
        URI uri = endpoint.resolve("/v2/" + repository + "/blobs/" + digest);
        return send(uri, repository, creds, Map.of()).body();
    }

    private HttpResponse<InputStream> send(URI uri, String repository, Credentials creds, Map<String, String> headers) {
        String scope = "repository:" + repository + ":pull";
        String tokenKey = uri.getAuthority() + " " + scope;
        String authorization = tokens.get(tokenKey);
        HttpResponse<InputStream> response = exchange(uri, headers, authorization);
        if (response.statusCode() == 401) {
            Optional<String> header = response.headers().firstValue("WWW-Authenticate");
            discard(response);
            if (header.isEmpty()) {
                throw BerthException.permissionDenied("unauthorized: " + uri + " (no challenge)");
            }
            authorization = authorize(Challenge.parse(header.get()), scope, creds, uri);
            tokens.put(tokenKey, authorization);
            response = exchange(uri, headers, authorization);
        }
        int status = response.statusCode();
        if (status == 200) {
            return response;
        }
        String body = errorBody(response);
        String message = "GET " + uri + ": HTTP " + status + (body.isEmpty() ? "" : " " + body);
        if (status == 401 || status == 403) {
            tokens.remove(tokenKey);
            throw BerthException.permissionDenied(message);
        }
        if (status == 404) {
            throw BerthException.notFound(message);
        }
        if (status == 429 || status >= 500) {
            throw BerthException.unavailable(message);
        }
        throw BerthException.failed(message);
    }

    /** One request, following redirects; the Authorization header only goes to the original authority. */
    private HttpResponse<InputStream> exchange(URI uri, Map<String, String> headers, String authorization) {
        URI current = uri;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(current).timeout(REQUEST_TIMEOUT).GET();
            headers.forEach(request::header);
            if (authorization != null && current.getAuthority().equals(uri.getAuthority())) {
                request.header("Authorization", authorization);
            }
            HttpResponse<InputStream> response;
            try {
                response = http.send(request.build(), ResponseBody.handler(stallTimeout));
            } catch (IOException e) {
                throw BerthException.unavailable("GET " + current + ": " + ResponseBody.describe(e), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw BerthException.unavailable("interrupted: GET " + current, e);
            }
            int status = response.statusCode();
            if (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) {
                String location = response.headers().firstValue("Location").orElse(null);
                discard(response);
                if (location == null) {
                    throw BerthException.failed("redirect without Location from " + current);
                }
                current = current.resolve(location);
                continue;
            }
            return response;
        }
        throw BerthException.failed("too many redirects from " + uri);
    }

    private String authorize(Challenge challenge, String defaultScope, Credentials creds, URI uri) {
        String basic = basic(creds);
        if (challenge.scheme().equals("basic")) {
            if (basic == null) {
                throw BerthException.permissionDenied("registry " + uri.getAuthority() + " needs credentials");
            }
            return basic;
        }
        if (!challenge.scheme().equals("bearer")) {
            throw BerthException.permissionDenied("unsupported auth scheme " + challenge.scheme());
        }
        if (creds != null && notEmpty(creds.registryToken())) {
            return "Bearer " + creds.registryToken();
        }
        String realm = challenge.params().get("realm");
        if (realm == null || realm.isEmpty()) {
            throw BerthException.permissionDenied("bearer challenge without realm from " + uri.getAuthority());
        }
        String scope = challenge.params().getOrDefault("scope", defaultScope);
        String service = challenge.params().getOrDefault("service", "");
        return "Bearer " + fetchToken(URI.create(realm), service, scope, creds, basic);
    }

    private String fetchToken(URI realm, String service, String scope, Credentials creds, String basic) {
        HttpRequest.Builder request;
        if (creds != null && notEmpty(creds.identityToken())) {
            String form = "grant_type=refresh_token&client_id=berth&service=" + enc(service)
                    + "&scope=" + enc(scope) + "&refresh_token=" + enc(creds.identityToken());
            request = HttpRequest.newBuilder(realm).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form));
        } else {
            String query = "service=" + enc(service) + "&scope=" + enc(scope);
            URI uri = URI.create(realm + (realm.getRawQuery() == null ? "?" : "&") + query);
            request = HttpRequest.newBuilder(uri).GET();
            if (basic != null) {
                request.header("Authorization", basic);
            }
        }
        try {
            HttpResponse<byte[]> response = http.send(request.timeout(REQUEST_TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() == 401 || response.statusCode() == 403) {
                throw BerthException.permissionDenied("token request to " + realm.getAuthority()
                        + " refused: HTTP " + response.statusCode());
            }
            if (response.statusCode() != 200) {
                throw BerthException.unavailable("token request to " + realm.getAuthority()
                        + ": HTTP " + response.statusCode());
            }
            JsonNode tree = Json.MAPPER.readTree(response.body());
            String token = tree.path("token").asText("");
            if (token.isEmpty()) {
                token = tree.path("access_token").asText("");
            }
            if (token.isEmpty()) {
                throw BerthException.permissionDenied("token response from " + realm.getAuthority() + " without token");
            }
            LOG.debug("got registry token from {} for {}", realm.getAuthority(), scope);
            return token;
        } catch (IOException e) {
            throw BerthException.unavailable("token request to " + realm.getAuthority() + ": " + ResponseBody.describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw BerthException.unavailable("interrupted: token request", e);
        }
    }

    static String basic(Credentials creds) {
        if (creds == null) {
            return null;
        }
        if (notEmpty(creds.username())) {
            String pair = creds.username() + ":" + (creds.password() == null ? "" : creds.password());
            return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
        }
        if (notEmpty(creds.auth())) {
            return "Basic " + creds.auth().strip();
        }
        return null;
    }

    private static boolean notEmpty(String s) {
        return s != null && !s.isEmpty();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static void discard(HttpResponse<InputStream> response) {
        try (InputStream in = response.body()) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (IOException e) {
            // the connection is dropped instead of reused
        }
    }

    private static String errorBody(HttpResponse<InputStream> response) {
        try (InputStream in = response.body()) {
            String text = new String(in.readNBytes(512), StandardCharsets.UTF_8).strip();
            return text.replaceAll("\\s+", " ");
        } catch (IOException e) {
            return "";
        }
    }

    /** Endpoints for a registry host: its mirrors in order, then the host itself over https. */
    static List<URI> endpoints(String domain, List<RegistryMirror> mirrors) {
        List<URI> result = new ArrayList<>();
        for (RegistryMirror mirror : mirrors) {
            if (mirror.host().equals(domain)) {
                for (String e : mirror.endpoints()) {
                    String withScheme = e.contains("://") ? e : "https://" + e;
                    result.add(URI.create(withScheme.endsWith("/") ? withScheme.substring(0, withScheme.length() - 1) : withScheme));
                }
            }
        }
        String host = domain.equals(Reference.DOCKER_DOMAIN) ? "registry-1.docker.io" : domain;
        result.add(URI.create("https://" + host));
        if (isLoopback(domain)) {
            result.add(URI.create("http://" + host)); // local registries commonly run without TLS
        }
        return List.copyOf(result);
    }

    private static boolean isLoopback(String domain) {
        String host = domain.replaceFirst(":[0-9]+$", "");
        return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]");
    }

}
