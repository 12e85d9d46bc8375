package org.portico.fhir.uscore;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.hl7.fhir.r4.model.Bundle;

/**
 * {@code uscore/search-fixture.json}: two patients ({@link #P1}, {@link #P2}) with data of every US
 * Core type the single-patient API searches, each value chosen so that every search of
 * {@link UsCoreSearchIT} matches some of P1's resources and not others, and P2 holds a twin of the
 * matching ones (so a search that forgot the patient would fail); Provenance about P1's data, P2's
 * data and both. Stored through the DAOs with fixed ids (PUT), so loading twice changes nothing.
 */
final class UsCoreFixture {

    static final String P1 = "usc-p1";
    static final String P2 = "usc-p2";
    private static boolean loaded;

    private UsCoreFixture() {}

    static synchronized void load(DaoRegistry daos) {
        if (loaded) {
            return;
        }
        FhirContext fhir = daos.getSystemDao().getContext();
        Bundle bundle;
        try (InputStream in = UsCoreFixture.class.getResourceAsStream("/uscore/search-fixture.json")) {
            bundle = fhir.newJsonParser().parseResource(Bundle.class, in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        @SuppressWarnings("unchecked")
        IFhirSystemDao<Bundle, ?> system = (IFhirSystemDao<Bundle, ?>) daos.getSystemDao();
        system.transaction(new SystemRequestDetails(), bundle);
        loaded = true;
    }
}
