import { option, resolveOptions, type EventOptionValues, type OptionSpec } from './common';

// SageMaker Ground Truth custom labeling workflow functions: the pre-annotation (pre-human task)
// event and the annotation consolidation event. SAM's option names and defaults.

const LABELING_JOB = option('labeling-job-name', 'string', 'example-job', 'labeling job name');

export const SAGEMAKER_PRE_HUMAN_OPTIONS: readonly OptionSpec[] = [
  option('source-ref', 'string', 's3://sagemakerexample/object_to_annotate.jpg', 'the data object to label (dataObject.source-ref)'),
  LABELING_JOB,
];

export const SAGEMAKER_ANNOTATION_CONSOLIDATION_OPTIONS: readonly OptionSpec[] = [
  LABELING_JOB,
  option('label-attribute-name', 'string', 'example-attribute', 'label attribute name'),
  option('s3-output-path', 'string', 's3://sagemakerexample/output', "the job's S3 output path"),
  option('execution-role', 'string', 'sagemaker-role', 'name of the execution role'),
  option('iteration-object-timestamp', 'string', 'iteration-1/0/2019-09-06_18:35:03', 'iteration / object / timestamp part of the worker response key'),
];

/** `sagemaker ground-truth-pre-human` */
export function sagemakerPreHumanEvent(values: EventOptionValues = {}) {
  const ctx = resolveOptions(SAGEMAKER_PRE_HUMAN_OPTIONS, values);
  return {
    version: '2018-10-16',
    labelingJobArn: ctx.arn('sagemaker', `labeling-job/${ctx.string('labeling-job-name')}`),
    dataObject: { 'source-ref': ctx.string('source-ref') },
  };
}

/** `sagemaker ground-truth-annotation-consolidation`: where the workers' responses are. */
export function sagemakerAnnotationConsolidationEvent(values: EventOptionValues = {}) {
  const ctx = resolveOptions(SAGEMAKER_ANNOTATION_CONSOLIDATION_OPTIONS, values);
  const job = ctx.string('labeling-job-name');
  return {
    version: '2018-10-16',
    labelingJobArn: ctx.arn('sagemaker', `labeling-job/${job}`),
    labelAttributeName: ctx.string('label-attribute-name'),
    // SAM's template writes "aws:<partition>:iam…"; the role ARN begins with "arn:".
    roleArn: ctx.arn('iam', `role/${ctx.string('execution-role')}`, { region: '' }),
    payload: {
      s3Uri: `${ctx.string('s3-output-path').replace(/\/$/, '')}/${job}/annotations/worker_response/${ctx.string('iteration-object-timestamp')}.json`,
    },
  };
}
