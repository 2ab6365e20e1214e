/**
 * The mapping service (authoritative table, peerings, constant-work push to host caches, sender
 * and receiver verification, fault hooks, alarms) and the VPC DNS resolver.
 */
export { MAX_MAPPING_CAPACITY, MAX_PEERING_CAPACITY } from './mapping-slots.ts';
export { MappingTable, type MappingEntry, type PeeringEntry } from './mapping-table.ts';
export { HostMappingCache } from './host-cache.ts';
export {
  MappingService, DEFAULT_ALARM_HISTORY, DEFAULT_PEERING_CAPACITY, DEFAULT_PUSH_PERIOD_NS,
  type MappingAlarm, type MappingPush, type MappingServiceOptions,
} from './mapping-service.ts';
export { mappingCapacityFor, populateFromTopology } from './from-topology.ts';
export {
  answerDnsQuery, dnsNamesFromTopology, ec2PrivateDnsName, parseEc2PrivateDnsName, resolveName,
  DNS_ANSWER_TTL, EC2_INTERNAL_DOMAIN, type DnsNames, type DnsVpcNames,
} from './dns-resolver.ts';
