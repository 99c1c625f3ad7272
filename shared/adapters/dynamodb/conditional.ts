import { DeleteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export const isConditionFailure = (error: unknown): boolean => (error as { name?: string }).name === 'ConditionalCheckFailedException';

/** A transaction cancelled because one of its conditions did not hold (not a conflict or a throttle). */
export const isTransactionConditionFailure = (error: unknown): boolean => {
  const e = error as { name?: string; CancellationReasons?: Array<{ Code?: string }> };
  return e.name === 'TransactionCanceledException' && (e.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed');
};

/**
 * Deletes an email index entry only while it still points at `owner` (attribute `ownerAttribute`):
 * when the address moved to someone else meanwhile, their entry stays. A lost race is not an error.
 */
export async function deleteIfOwned(
  db: DynamoDBDocumentClient,
  tableName: string,
  key: Record<string, unknown>,
  ownerAttribute: string,
  owner: string,
): Promise<void> {
  try {
    await db.send(
      new DeleteCommand({
        TableName: tableName,
        Key: key,
        ConditionExpression: '#owner = :owner',
        ExpressionAttributeNames: { '#owner': ownerAttribute },
        ExpressionAttributeValues: { ':owner': owner },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}
