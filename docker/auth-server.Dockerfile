# syntax=docker/dockerfile:1
# The auth-server image; built from the repository root: docker build -f docker/auth-server.Dockerfile .
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -ntp -q -DskipTests -pl auth-server -am package

FROM eclipse-temurin:25-jre
RUN useradd --system --uid 10001 portico
USER portico
WORKDIR /app
COPY --from=build /src/auth-server/target/portico-auth-server.jar /app/portico.jar
EXPOSE 9000
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75"
ENTRYPOINT ["java", "-jar", "/app/portico.jar"]
