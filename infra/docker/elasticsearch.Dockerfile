# Elasticsearch 8 with the Polish hunspell dictionary, so that "dostawa" finds "dostawy".
FROM docker.elastic.co/elasticsearch/elasticsearch:8.19.2
USER root
RUN apt-get update && apt-get install -y --no-install-recommends hunspell-pl \
 && mkdir -p /usr/share/elasticsearch/config/hunspell/pl_PL \
 && cp /usr/share/hunspell/pl_PL.aff /usr/share/hunspell/pl_PL.dic /usr/share/elasticsearch/config/hunspell/pl_PL/ \
 && chown -R elasticsearch:root /usr/share/elasticsearch/config/hunspell \
 && rm -rf /var/lib/apt/lists/*
USER elasticsearch
