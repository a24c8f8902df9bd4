-- Run once, by the postgres image's entrypoint, when the data volume is first initialised
-- (mounted into /docker-entrypoint-initdb.d by docker-compose.yml). One database per service;
-- each service's own migrations create its tables when it starts (minzi-run).
-- UTF8 explicitly: a server initialised without a UTF-8 locale would otherwise default to
-- SQL_ASCII, and the services store Chinese text.
CREATE DATABASE intake ENCODING 'UTF8' TEMPLATE template0;
CREATE DATABASE legal_aid ENCODING 'UTF8' TEMPLATE template0;
CREATE DATABASE cat_fund ENCODING 'UTF8' TEMPLATE template0;
CREATE DATABASE matchmaking ENCODING 'UTF8' TEMPLATE template0;
CREATE DATABASE sms_broadcast ENCODING 'UTF8' TEMPLATE template0;
CREATE DATABASE job_fair ENCODING 'UTF8' TEMPLATE template0;
CREATE DATABASE co_building ENCODING 'UTF8' TEMPLATE template0;
CREATE DATABASE agency ENCODING 'UTF8' TEMPLATE template0;
CREATE DATABASE hotline ENCODING 'UTF8' TEMPLATE template0;
CREATE DATABASE doctor ENCODING 'UTF8' TEMPLATE template0;
CREATE DATABASE flea_market ENCODING 'UTF8' TEMPLATE template0;
CREATE DATABASE dog_owners ENCODING 'UTF8' TEMPLATE template0;
CREATE DATABASE volunteer_grid ENCODING 'UTF8' TEMPLATE template0;
