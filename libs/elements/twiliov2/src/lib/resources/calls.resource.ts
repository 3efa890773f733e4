import type { ResourceSpec } from '@hub/element-sdk';
import type { TwilioConnection } from '@hub/elements/twilio-common';
import { twilioParameters } from './parameters';

const path = (c: TwilioConnection, sid?: string) =>
  sid === undefined
    ? `${c.rest.accountPath}/Calls.json`
    : `${c.rest.accountPath}/Calls/${encodeURIComponent(sid)}.json`;

const CREATE = [
  'To',
  'From',
  'Url',
  'Twiml',
  'ApplicationSid',
  'Method',
  'FallbackUrl',
  'FallbackMethod',
  'StatusCallback',
  'StatusCallbackEvent',
  'StatusCallbackMethod',
  'SendDigits',
  'Timeout',
  'Record',
  'RecordingChannels',
  'RecordingStatusCallback',
  'RecordingStatusCallbackMethod',
  'RecordingStatusCallbackEvent',
  'MachineDetection',
  'MachineDetectionTimeout',
  'Trim',
  'CallerId',
  'TimeLimit',
  'CallReason',
  'RecordingTrack',
  'SipAuthUsername',
  'SipAuthPassword',
  'MachineDetectionSpeechThreshold',
  'MachineDetectionSpeechEndThreshold',
  'MachineDetectionSilenceTimeout',
  'AsyncAmd',
  'AsyncAmdStatusCallback',
  'AsyncAmdStatusCallbackMethod',
  'Byoc',
  'CallToken',
  'ClientNotificationUrl',
];

/** Voice calls of the account: list, fetch, place. */
export const callsResource: ResourceSpec<TwilioConnection> = {
  name: 'calls',
  description: 'Voice calls',
  idField: 'sid',
  fields: [
    { path: 'sid', type: 'string', description: 'CA…' },
    { path: 'to', type: 'string' },
    { path: 'from', type: 'string' },
    { path: 'status', type: 'string' },
    { path: 'direction', type: 'string' },
    { path: 'duration', type: 'string' },
    { path: 'start_time', type: 'date' },
    { path: 'end_time', type: 'date' },
    { path: 'price', type: 'string' },
    { path: 'date_created', type: 'date' },
  ],
  queryFields: [
    { name: 'To', recordPath: 'to', type: 'string', vendorParameters: { '=': 'To' } },
    { name: 'From', recordPath: 'from', type: 'string', vendorParameters: { '=': 'From' } },
    { name: 'Status', recordPath: 'status', type: 'string', vendorParameters: { '=': 'Status' } },
    {
      name: 'StartTime',
      recordPath: 'start_time',
      type: 'date',
      vendorParameters: { '=': 'StartTime', '<=': 'StartTime<', '>=': 'StartTime>' },
    },
    {
      name: 'EndTime',
      recordPath: 'end_time',
      type: 'date',
      vendorParameters: { '=': 'EndTime', '<=': 'EndTime<', '>=': 'EndTime>' },
    },
  ],
  parameters: {
    list: twilioParameters(
      [
        'To',
        'From',
        'ParentCallSid',
        'Status',
        'StartTime',
        'StartTime<',
        'StartTime>',
        'EndTime',
        'EndTime<',
        'EndTime>',
      ],
      {
        types: {
          StartTime: 'date',
          'StartTime<': 'date',
          'StartTime>': 'date',
          EndTime: 'date',
          'EndTime<': 'date',
          'EndTime>': 'date',
        },
      },
    ),
    create: twilioParameters(CREATE, {
      required: ['To', 'From'],
      types: {
        Timeout: 'integer',
        Record: 'boolean',
        MachineDetectionTimeout: 'integer',
        TimeLimit: 'integer',
        MachineDetectionSpeechThreshold: 'integer',
        MachineDetectionSpeechEndThreshold: 'integer',
        MachineDetectionSilenceTimeout: 'integer',
        StatusCallbackEvent: 'string[]',
        RecordingStatusCallbackEvent: 'string[]',
      },
    }),
  },
  handlers: {
    list: (c, r) => c.rest.list(path(c), 'calls', r.page, r.query),
    get: (c, r) => c.rest.get(path(c, r.id)),
    create: (c, r) => c.rest.post(path(c), r.body as Record<string, string>),
  },
};
