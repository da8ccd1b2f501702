import { option, resolveOptions, type EventOptionValues, type OptionSpec } from './common';

// AWS Config rule invocations (`config <type>`): the invoking event and rule parameters are JSON
// strings inside the event, as Config sends them. SAM's types; the options beyond SAM's common ones
// are ours.

export const CONFIG_RULE_OPTIONS: readonly OptionSpec[] = [
  option('rule-name', 'string', undefined, 'Config rule name (default: change-triggered-config-rule, periodic-config-rule)'),
  option('rule-parameters', 'json', '{"myParameterKey":"myParameterValue"}', 'rule parameters, JSON object'),
  option('resource-id', 'string', 'i-00000000', 'id of the EC2 instance the change concerns'),
];

type ConfigTrigger = 'change' | 'oversized' | 'periodic';

function configEvent(trigger: ConfigTrigger) {
  return (values: EventOptionValues = {}) => {
    const ctx = resolveOptions(CONFIG_RULE_OPTIONS, values);
    const resourceId = ctx.string('resource-id');
    const captured = ctx.isoTime();
    const created = ctx.isoTime(-6000);
    const common = {
      configurationItemCaptureTime: captured,
      awsAccountId: ctx.accountId,
      configurationItemStatus: 'OK',
      resourceId,
      configurationStateMd5Hash: ctx.random.hex(32),
      resourceCreationTime: created,
      configurationStateId: 0,
      configurationItemVersion: '1.2',
      ARN: ctx.arn('ec2', `instance/${resourceId}`),
      awsRegion: ctx.region,
      availabilityZone: `${ctx.region}a`,
      resourceType: 'AWS::EC2::Instance',
    };
    const invokingEvent =
      trigger === 'change'
        ? {
            configurationItem: {
              ...common,
              resourceName: 'foo',
              tags: { Name: 'example' },
              relationships: [{ resourceId: `eipalloc-${ctx.random.hex(8)}`, resourceType: 'AWS::EC2::EIP', name: 'Is attached to ElasticIp' }],
              configuration: { instanceId: resourceId },
            },
            messageType: 'ConfigurationItemChangeNotification',
          }
        : trigger === 'oversized'
          ? { configurationItemSummary: { changeType: 'UPDATE', ...common, resourceName: null }, messageType: 'OversizedConfigurationItemChangeNotification' }
          : { awsAccountId: ctx.accountId, notificationCreationTime: captured, messageType: 'ScheduledNotification', recordVersion: '1.0' };
    const ruleId = `config-rule-${ctx.random.lower(6)}`;
    return {
      invokingEvent: JSON.stringify(invokingEvent),
      ruleParameters: JSON.stringify(ctx.json('rule-parameters') ?? {}),
      resultToken: ctx.random.base64(48),
      eventLeftScope: false,
      executionRoleArn: ctx.arn('iam', 'role/config-role', { region: '' }),
      configRuleArn: ctx.arn('config', `config-rule/${ruleId}`),
      configRuleName: ctx.optionalString('rule-name') ?? (trigger === 'periodic' ? 'periodic-config-rule' : 'change-triggered-config-rule'),
      configRuleId: ruleId,
      accountId: ctx.accountId,
      version: '1.0',
    };
  };
}

/** `config item-change-notification`: a configuration item changed. */
export const configItemChangeEvent = configEvent('change');
/** `config oversized-item-change-notification`: the change's item is too large; a summary comes instead. */
export const configOversizedItemChangeEvent = configEvent('oversized');
/** `config periodic-rule`: a periodic evaluation. */
export const configPeriodicRuleEvent = configEvent('periodic');
