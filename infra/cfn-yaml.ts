/**
 * Parses CloudFormation YAML (with the short-form intrinsic tags `!Ref`, `!GetAtt`, `!Sub`…)
 * into plain JSON-form objects: `!Ref X` → `{ Ref: 'X' }`, `!GetAtt X.Arn` →
 * `{ 'Fn::GetAtt': ['X', 'Arn'] }`, `!Sub '…'` → `{ 'Fn::Sub': '…' }`, etc.
 * Pure: no file or network access.
 */
import { parse, type CollectionTag, type ScalarTag, type YAMLMap, type YAMLSeq } from 'yaml';

/** Short-form tag name (without `!`) → long-form key. */
const FUNCTIONS: Readonly<Record<string, string>> = {
  Ref: 'Ref',
  Condition: 'Condition',
  GetAtt: 'Fn::GetAtt',
  Sub: 'Fn::Sub',
  Join: 'Fn::Join',
  If: 'Fn::If',
  Select: 'Fn::Select',
  Split: 'Fn::Split',
  FindInMap: 'Fn::FindInMap',
  Base64: 'Fn::Base64',
  Cidr: 'Fn::Cidr',
  GetAZs: 'Fn::GetAZs',
  ImportValue: 'Fn::ImportValue',
  Equals: 'Fn::Equals',
  And: 'Fn::And',
  Or: 'Fn::Or',
  Not: 'Fn::Not',
  Transform: 'Fn::Transform',
};

function fromScalar(name: string, key: string, value: unknown): Record<string, unknown> {
  if (name === 'GetAtt' && typeof value === 'string') {
    const dot = value.indexOf('.');
    if (dot <= 0) throw new Error(`!GetAtt ${value}: expected "LogicalId.Attribute"`);
    return { [key]: [value.slice(0, dot), value.slice(dot + 1)] };
  }
  return { [key]: value };
}

function cfnTags(): (ScalarTag | CollectionTag)[] {
  const tags: (ScalarTag | CollectionTag)[] = [];
  for (const [name, key] of Object.entries(FUNCTIONS)) {
    tags.push({
      tag: `!${name}`,
      resolve: (value: string) => fromScalar(name, key, value),
    } as ScalarTag);
    for (const collection of ['seq', 'map'] as const) {
      tags.push({
        tag: `!${name}`,
        collection,
        resolve: (node: YAMLMap.Parsed | YAMLSeq.Parsed) => ({ [key]: node.toJSON() }),
      });
    }
  }
  return tags;
}

/** Parses one CloudFormation YAML document into plain objects (intrinsics in long form). */
export function parseCfnYaml(text: string): unknown {
  return parse(text, { customTags: cfnTags(), uniqueKeys: true });
}
