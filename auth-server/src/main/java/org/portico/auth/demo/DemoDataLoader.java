package org.portico.auth.demo;

import java.time.Instant;
import org.portico.auth.proxy.ProxyGrant;
import org.portico.auth.proxy.ProxyGrants;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.portico.auth.clients.ClientRegistrations;
import org.portico.auth.config.AuthProperties;
import org.portico.auth.identity.UserAccount;
import org.portico.auth.identity.UserAccounts;
import org.portico.auth.launch.LaunchUris;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * Loads demo users and clients from {@code portico.auth.demo-file} ({@code PORTICO_AUTH_DEMO_FILE}) at
 * start-up, creating only what is missing: a second start changes nothing.
 */
@Component
public class DemoDataLoader implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(DemoDataLoader.class);

    private final AuthProperties properties;
    private final UserAccounts users;
    private final ProxyGrants proxyGrants;
    private final RegisteredClientRepository clients;
    private final ClientRegistrations registrations;
    private final PasswordEncoder passwordEncoder;
    private final ObjectMapper objectMapper;

    public DemoDataLoader(AuthProperties properties, UserAccounts users, ProxyGrants proxyGrants, RegisteredClientRepository clients,
            ClientRegistrations registrations, PasswordEncoder passwordEncoder, ObjectMapper objectMapper) {
        this.proxyGrants = proxyGrants;
        this.properties = properties;
        this.users = users;
        this.clients = clients;
        this.registrations = registrations;
        this.passwordEncoder = passwordEncoder;
        this.objectMapper = objectMapper;
    }

    @Override
    public void run(ApplicationArguments args) throws IOException {
        if (StringUtils.hasText(properties.demoFile())) {
            load(Path.of(properties.demoFile()));
        }
    }

    /** Creates the users and clients of the file that do not exist yet; returns how many were created. */
    public int load(Path file) throws IOException {
        DemoFile demo = objectMapper.readValue(Files.readAllBytes(file), DemoFile.class);
        int created = 0;
        for (DemoFile.DemoUser user : demo.users()) {
            UserAccount account = users.findByUsername(user.username()).orElse(null);
            if (account == null) {
                account = users.create(user.username(), passwordEncoder.encode(user.password()), user.patient(), user.name());
                created++;
            }
            for (DemoFile.DemoPatient other : user.actsFor()) {
                String patient = other.patient();
                if (proxyGrants.ofProxy(account.id()).stream().noneMatch(g -> g.patientId().equals(patient))) {
                    // recorded as staff would: full (or the file's level), no end, the age rules applied from the record
                    proxyGrants.grant(account.id(), patient, other.name() == null ? patient : other.name(),
                            other.level() == null ? ProxyGrant.Level.FULL : ProxyGrant.Level.of(other.level()), Instant.EPOCH, null,
                            ProxyGrant.DecidedBy.STAFF, null, "demo data", null, null, null, null);
                    created++;
                }
            }
        }
        for (DemoFile.DemoStaff staff : demo.staff()) {
            if (users.findByUsername(staff.username()).isEmpty()) {
                users.createStaff(staff.username(), passwordEncoder.encode(staff.password()),
                        staff.name() == null ? staff.username() : staff.name());
                created++;
            }
        }
        for (DemoFile.DemoClient client : demo.clients()) {
            if (clients.findByClientId(client.clientId()) == null) {
                clients.save(toRegisteredClient(client));
                created++;
            }
        }
        log.info("Demo data from {}: {} user(s), {} staff, {} client(s), {} created", file, demo.users().size(),
                demo.staff().size(), demo.clients().size(), created);
        return created;
    }

    private RegisteredClient toRegisteredClient(DemoFile.DemoClient client) throws IOException {
        RegisteredClient registered = baseRegisteredClient(client);
        return StringUtils.hasText(client.launchUri()) ? LaunchUris.withLaunchUri(registered, client.launchUri()) : registered;
    }

    private RegisteredClient baseRegisteredClient(DemoFile.DemoClient client) throws IOException {
        List<String> scopes = client.scope() == null ? List.of()
                : Arrays.stream(client.scope().trim().split(" +")).filter(s -> !s.isEmpty()).toList();
        List<String> redirectUris = client.redirectUris() == null ? List.of() : client.redirectUris();
        List<AuthorizationGrantType> grantTypes = grantTypes(client);
        String method = StringUtils.hasText(client.tokenEndpointAuthMethod()) ? client.tokenEndpointAuthMethod()
                : switch (client.type() == null ? "" : client.type()) {
                    case "public" -> "none";
                    case "confidential" -> "client_secret_basic";
                    default -> throw new IllegalArgumentException("demo client " + client.clientId()
                            + ": type must be public or confidential, or token_endpoint_auth_method must be given");
                };
        if (!method.equals("private_key_jwt") && !Set.copyOf(grantTypes).equals(Set.copyOf(DEFAULT_GRANT_TYPES))) {
            throw new IllegalArgumentException("demo client " + client.clientId()
                    + ": only private_key_jwt clients may have other grant_types than authorization_code and refresh_token");
        }
        RegisteredClient registered = switch (method) {
            case "none" -> registrations.publicClient(client.clientId(), client.clientName(), redirectUris, scopes);
            case "client_secret_basic" -> {
                if (!StringUtils.hasText(client.clientSecret())) {
                    throw new IllegalArgumentException("confidential demo client " + client.clientId() + " has no client_secret");
                }
                yield registrations.confidentialClient(client.clientId(), client.clientName(),
                        passwordEncoder.encode(client.clientSecret()), redirectUris, scopes);
            }
            case "private_key_jwt" -> registrations.privateKeyJwtClient(client.clientId(), client.clientName(),
                    redirectUris, scopes, grantTypes, client.jwksUri(),
                    client.jwks() == null || client.jwks().isNull() ? null : objectMapper.writeValueAsString(client.jwks()));
            default -> throw new IllegalArgumentException("demo client " + client.clientId()
                    + ": token_endpoint_auth_method must be none, client_secret_basic or private_key_jwt");
        };
        return Boolean.TRUE.equals(client.resourceServer()) ? ClientRegistrations.asResourceServer(registered) : registered;
    }

    private static final List<AuthorizationGrantType> DEFAULT_GRANT_TYPES =
            List.of(AuthorizationGrantType.AUTHORIZATION_CODE, AuthorizationGrantType.REFRESH_TOKEN);

    private static List<AuthorizationGrantType> grantTypes(DemoFile.DemoClient client) {
        if (client.grantTypes() == null || client.grantTypes().isEmpty()) {
            return DEFAULT_GRANT_TYPES;
        }
        return client.grantTypes().stream().map(type -> switch (type) {
            case "authorization_code" -> AuthorizationGrantType.AUTHORIZATION_CODE;
            case "refresh_token" -> AuthorizationGrantType.REFRESH_TOKEN;
            case "client_credentials" -> AuthorizationGrantType.CLIENT_CREDENTIALS;
            default -> throw new IllegalArgumentException("demo client " + client.clientId() + ": unsupported grant type " + type);
        }).distinct().toList();
    }
}
