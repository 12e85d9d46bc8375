package org.portico.fhir.config;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.bulk.export.api.IBulkExportProcessor;
import ca.uhn.fhir.jpa.bulk.export.svc.BulkExportHelperService;
import ca.uhn.fhir.jpa.dao.tx.IHapiTransactionService;
import ca.uhn.fhir.jpa.model.dao.JpaPid;
import javax.sql.DataSource;
import org.portico.fhir.authz.DirectoryEntries;
import org.portico.fhir.operations.BulkExportLocations;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/**
 * What Bulk Data exports hold beyond HAPI's defaults (ADR 0013): HAPI's export processor, decorated so
 * that Group and Patient exports carry the Locations their patients' data refers to. The decorator is
 * the primary {@link IBulkExportProcessor}, the one HAPI's batch2 export steps are given; HAPI's own
 * bean ({@code jpaBulkExportProcessor}) does the rest.
 */
@Configuration(proxyBeanMethods = false)
class BulkExportConfig {

    /** The directory entries patients' data refers to, from HAPI's reference index (ADR 0015). */
    @Bean
    DirectoryEntries directoryEntries(DataSource dataSource) {
        return new StoredDirectoryEntries(dataSource);
    }

    @Bean
    @Primary
    BulkExportLocations bulkExportLocations(@Qualifier("jpaBulkExportProcessor") IBulkExportProcessor<JpaPid> hapi,
            DirectoryEntries directoryEntries, DaoRegistry daos, BulkExportHelperService helper,
            IHapiTransactionService transactions, FhirContext fhir) {
        return new BulkExportLocations(hapi, directoryEntries, daos, helper, transactions, fhir);
    }
}
