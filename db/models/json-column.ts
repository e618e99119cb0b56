import { DataTypes, type ModelAttributeColumnOptions, type Model } from 'sequelize';

/**
 * A JSON value stored as text. MariaDB's JSON is LONGTEXT underneath and mysql2 hands it back as a
 * string, so models parse and serialize it themselves, the same way on MySQL, MariaDB and SQLite.
 */
export function jsonColumn<T>(field: string, options: { allowNull?: boolean } = {}): ModelAttributeColumnOptions<Model> {
  return {
    type: DataTypes.TEXT,
    allowNull: options.allowNull ?? false,
    get(this: Model) {
      const raw = this.getDataValue(field) as unknown;
      return typeof raw === 'string' ? (JSON.parse(raw) as T) : (raw);
    },
    set(this: Model, value: T | null) {
      this.setDataValue(field, value === null || value === undefined ? null : JSON.stringify(value));
    },
  };
}
