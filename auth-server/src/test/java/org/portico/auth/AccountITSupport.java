package org.portico.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeEach;

/**
 * Shared set-up of the patient-account ITs (registration, recovery, staff desk, notices): the launch
 * ITs' context (PostgreSQL, IT demo file, {@link FhirStub} as the fhir-server, whose Patients the tests
 * put there, a real SMTP server {@link TestMail} and a recording SMS sender {@link AccountTestConfig}:
 * set up in {@link LaunchITSupport} so that all share one Spring context and one connection pool).
 */
abstract class AccountITSupport extends LaunchITSupport {

    static final String STAFF = "it-staff";
    static final String STAFF_PASSWORD = "it-staff-password";


    @BeforeEach
    void resetOutside() throws Exception {
        FhirStub.reset();
        TestMail.reset();
        AccountTestConfig.SMS.clear();
        AccountTestConfig.EVENTS.clear();
    }

    /** A staff API call with HTTP Basic. */
    HttpResponse<String> staffApi(String method, String path, String user, String password) {
        HttpRequest.Builder request = HttpRequest.newBuilder(browser.base.resolve(path))
                .header("Accept", "application/json")
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (user != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        return browser.send(request.build());
    }

    HttpResponse<String> staffApi(String method, String path) {
        return staffApi(method, path, STAFF, STAFF_PASSWORD);
    }

    /** A fresh activation code for the patient, issued through the staff API. */
    String activationCode(String patientId) {
        HttpResponse<String> response = staffApi("POST", "/staff/api/patients/" + patientId + "/activation-codes");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return (String) SmartTestClient.json(response.body()).get("code");
    }

    /** Opens {@code page}, fills the form {@code formId} with {@code values} (its hidden fields kept) and posts it. */
    HttpResponse<String> submit(String page, String formId, String... namesAndValues) {
        HttpResponse<String> get = browser.get(URI.create(page));
        assertThat(get.statusCode()).as(page + ": " + get.body()).isEqualTo(200);
        return submitForm(Jsoup.parse(get.body(), browser.base.toString()), formId, namesAndValues);
    }

    HttpResponse<String> submitForm(Document doc, String formId, String... namesAndValues) {
        Element form = doc.selectFirst("form#" + formId);
        assertThat(form).as("form #" + formId + " in " + doc.title()).isNotNull();
        Map<String, List<String>> fields = new LinkedHashMap<>();
        for (Element input : form.select("input[type=hidden]")) {
            fields.computeIfAbsent(input.attr("name"), k -> new ArrayList<>()).add(input.val());
        }
        for (int i = 0; i < namesAndValues.length; i += 2) {
            fields.put(namesAndValues[i], new ArrayList<>(List.of(namesAndValues[i + 1])));
        }
        return browser.postForm(URI.create(form.attr("action")), fields, Map.of());
    }

    static Document doc(HttpResponse<String> response) {
        return Jsoup.parse(response.body());
    }

    /** The body without what differs per session (the CSRF token) and the language links. */
    static String comparable(HttpResponse<String> response) {
        return response.body().replaceAll("name=\"_csrf\" value=\"[^\"]*\"", "").replaceAll("href=\"[^\"]*lang=[^\"]*\"", "");
    }

    /**
     * How much slower the slower of two requests is, as the ratio of their median times over
     * {@code tries} rounds (alternating which goes first): medians, so that a pause of a loaded
     * machine in one round does not decide.
     */
    static double medianRatio(Runnable a, Runnable b, int tries) {
        long[] as = new long[tries];
        long[] bs = new long[tries];
        for (int i = 0; i < tries; i++) {
            if (i % 2 == 0) {
                as[i] = timed(a);
                bs[i] = timed(b);
            } else {
                bs[i] = timed(b);
                as[i] = timed(a);
            }
        }
        java.util.Arrays.sort(as);
        java.util.Arrays.sort(bs);
        double ma = as[tries / 2];
        double mb = bs[tries / 2];
        return Math.max(ma, mb) / Math.min(ma, mb);
    }

    private static long timed(Runnable request) {
        long start = System.nanoTime();
        request.run();
        return System.nanoTime() - start;
    }

    /** Chooses username and password on the account page (after proofing); returns the POST's response. */
    HttpResponse<String> chooseAccount(String username, String password) {
        return submit("/register/account", "account-form", "username", username, "password", password, "language", "en");
    }
}
