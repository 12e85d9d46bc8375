package org.portico.auth.launch;

import org.portico.auth.proxy.ProxyAccess;
import java.net.URI;
import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.portico.auth.config.AuthProperties;
import org.portico.auth.identity.ActingFor;
import org.portico.auth.identity.UserAccount;
import org.portico.auth.identity.UserAccounts;
import org.portico.smart.discovery.AuthEndpoints;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The portal's EHR launch (SMART App Launch, "EHR launch"): a signed-in user picks an app that has a
 * launch URL and a patient they may act for; a POST (with CSRF) mints a single-use {@code launch}
 * value bound to the app, the user, the patient and an optional encounter, and sends the browser to
 * the app's launch URL with {@code iss} (the FHIR base URL) and {@code launch}.
 */
@Controller
public class EhrLaunchController {

    private static final Logger decisions = LoggerFactory.getLogger("org.portico.auth.decisions");
    /** A FHIR logical id (FHIR R4 "id" datatype). */
    private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

    private final RegisteredClientRepository clients;
    private final JdbcClient jdbc;
    private final UserAccounts users;
    private final ProxyAccess proxies;
    private final EhrLaunches launches;
    private final String fhirBase;

    public EhrLaunchController(ProxyAccess proxies, RegisteredClientRepository clients, JdbcClient jdbc, UserAccounts users, EhrLaunches launches,
            AuthProperties properties) {
        this.clients = clients;
        this.jdbc = jdbc;
        this.users = users;
        this.proxies = proxies;
        this.launches = launches;
        this.fhirBase = properties.fhirBase();
    }

    /** One app on the page. */
    public record LaunchableApp(String clientId, String name) {}

    @GetMapping(AuthEndpoints.EHR_LAUNCH_PATH)
    public String page(Principal principal, Model model) {
        UserAccount user = user(principal);
        List<LaunchableApp> apps = new ArrayList<>();
        for (String clientId : jdbc.sql("SELECT client_id FROM oauth2_registered_client ORDER BY client_name, client_id")
                .query(String.class).list()) {
            RegisteredClient client = clients.findByClientId(clientId);
            if (client != null && LaunchUris.of(client).isPresent()) {
                apps.add(new LaunchableApp(client.getClientId(), client.getClientName()));
            }
        }
        model.addAttribute("apps", apps);
        model.addAttribute("patients", proxies.actingFor(user));
        model.addAttribute("launchPath", AuthEndpoints.EHR_LAUNCH_PATH);
        return "launch";
    }

    @PostMapping(AuthEndpoints.EHR_LAUNCH_PATH)
    public String launch(
            Principal principal,
            @RequestParam(name = "client_id") String clientId,
            @RequestParam(name = "patient", required = false) String patientId,
            @RequestParam(name = "encounter", required = false) String encounterId) {
        UserAccount user = user(principal);
        RegisteredClient client = clients.findByClientId(clientId);
        Optional<URI> launchUri = client == null ? Optional.empty() : LaunchUris.of(client);
        if (launchUri.isEmpty()) {
            decisions.debug("EHR launch denied: client={} reason=no launch URL", clientId);
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST);
        }
        String patient = patientId == null || patientId.isBlank() ? user.patientId() : patientId;
        Optional<ActingFor> actingFor = proxies.actingFor(user, patient);
        if (actingFor.isEmpty()) {
            decisions.debug("EHR launch denied: client={} reason=patient not allowed for user", clientId);
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST);
        }
        String encounter = encounterId == null || encounterId.isBlank() ? null : encounterId.trim();
        if (encounter != null && !FHIR_ID.matcher(encounter).matches()) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST);
        }
        String launch = launches.mint(client.getClientId(), user.id(), patient, encounter);
        decisions.debug("EHR launch: client={} launch minted", clientId);
        String target = UriComponentsBuilder.fromUri(launchUri.get())
                .queryParam("iss", fhirBase)
                .queryParam("launch", launch)
                .encode()
                .build()
                .toUriString();
        return "redirect:" + target;
    }

    private UserAccount user(Principal principal) {
        return users.findByUsername(principal.getName())
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.FORBIDDEN));
    }
}
